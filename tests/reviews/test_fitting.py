"""Fitting the memory model to a learner's and a course's logs, the fallback from a
learner's own fit to the course's to the defaults, and rescheduling when they change."""

from datetime import timedelta
from decimal import Decimal

import fsrs
import fsrs_rs_python as fsrs_rs
import pytest
from celery.schedules import crontab
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.celery import app
from reviews import fitting, memory
from reviews import scheduler as srs
from reviews.models import Card, MemoryFit, Rating, ReviewLog, State
from reviews.services import retention_change, review_record
from reviews.tasks import fit_memory_models
from tests.factories import LessonFactory, UserFactory

from .memory_learners import AFTER, WEAKER_KEEPER, put_in_database, simulated

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson():
    return LessonFactory()


def _histories(user):
    """The learner's logs as card id → history, read the plain way."""
    histories: dict[int, list] = {}
    for card_id, rating, at in (
        ReviewLog.objects.filter(user=user)
        .order_by("card_id", "reviewed_at", "pk")
        .values_list("card_id", "rating", "reviewed_at")
    ):
        histories.setdefault(card_id, []).append((rating, at))
    return histories


def _expected_states(histories, parameters):
    ids = sorted(histories)
    states = fsrs_rs.FSRS(list(parameters)).memory_state_batch(
        [memory.history_item(histories[pk]) for pk in ids]
    )
    return dict(zip(ids, states, strict=True))


# --- a learner's own fit --------------------------------------------------------------


def test_fitting_a_simulated_learner_beats_the_defaults_and_goes_in_use(lesson):
    user = UserFactory()
    put_in_database(user, lesson, simulated(WEAKER_KEEPER, seed=1))
    logs = ReviewLog.objects.filter(user=user).count()

    (fit,) = fitting.fit_learners([user.pk], AFTER)

    assert fit.accepted and fit.in_use and fit.reason == ""
    assert fit.scope == MemoryFit.Scope.LEARNER and fit.user == user and fit.fitted_at == AFTER
    assert fit.review_count == logs
    assert fit.train_items >= memory.MIN_TRAIN_ITEMS and fit.test_items >= memory.MIN_TEST_ITEMS
    assert fit.log_loss < fit.default_log_loss
    assert fit.seconds > 0
    # It learned what the simulated learner is: less stability gained from each recall.
    assert fit.parameters[8] < memory.DEFAULT_PARAMETERS[8]
    assert memory.parameters_for(user).own == tuple(fit.parameters)
    assert MemoryFit.objects.get(in_use=True, user=user) == fit


def test_a_learner_whose_memory_follows_the_defaults_keeps_them(lesson):
    user = UserFactory()
    put_in_database(user, lesson, simulated(seed=7))
    before = dict(Card.objects.filter(user=user).values_list("pk", "stability"))

    (fit,) = fitting.fit_learners([user.pk], AFTER)

    assert not fit.accepted and not fit.in_use
    assert fit.reason.startswith("Not better than the defaults")
    assert fit.log_loss >= fit.default_log_loss
    assert memory.parameters_for(user).own is None
    assert dict(Card.objects.filter(user=user).values_list("pk", "stability")) == before


def test_too_few_reviews_is_recorded_and_not_used(lesson):
    user = UserFactory()
    put_in_database(user, lesson, simulated(cards=12, days=40))
    assert ReviewLog.objects.filter(user=user).count() >= fitting.REFIT_AFTER_NEW_REVIEWS

    (fit,) = fitting.fit_learners([user.pk], AFTER)

    assert not fit.accepted and not fit.in_use
    assert fit.reason.startswith("Too few reviews")
    assert fit.log_loss is None and fit.parameters == list(memory.DEFAULT_PARAMETERS)


def test_a_learner_is_fitted_again_only_when_their_logs_have_grown(lesson):
    user, newcomer, idle = UserFactory(), UserFactory(), UserFactory()
    put_in_database(user, lesson, simulated(cards=12, days=40))
    # Under REFIT_AFTER_NEW_REVIEWS reviews and never fitted: not yet.
    put_in_database(newcomer, lesson, [[(Rating.GOOD, AFTER - timedelta(days=3))]] * 10)
    assert fitting.learners_to_fit([user.pk, newcomer.pk, idle.pk]) == [user.pk]
    fitting.fit_learners([user.pk, newcomer.pk, idle.pk], AFTER)
    assert fitting.learners_to_fit() == []
    assert fitting.fit_learners([user.pk], AFTER + timedelta(days=1)) == []

    one_review = [[(Rating.GOOD, AFTER)]]
    put_in_database(user, lesson, one_review * 49, first_index=100)
    assert fitting.learners_to_fit() == []
    put_in_database(user, lesson, one_review, first_index=200)
    assert fitting.learners_to_fit() == [user.pk]
    assert MemoryFit.objects.filter(user=user).count() == 1


def test_contrast_cards_are_left_out_of_a_fit(lesson):
    user = UserFactory()
    put_in_database(user, lesson, simulated(cards=12, days=40))
    fitted = ReviewLog.objects.filter(user=user).count()
    put_in_database(
        user, lesson, simulated(cards=5, days=40, seed=2), kind=Card.Kind.CONTRAST, first_index=50
    )
    (fit,) = fitting.fit_learners([user.pk], AFTER)
    assert fit.review_count == fitted


def test_an_accepted_fit_takes_the_one_before_out_of_use(lesson):
    user = UserFactory()
    put_in_database(user, lesson, simulated(WEAKER_KEEPER, seed=1))
    old = _fit_in_use(user=user)

    (fit,) = fitting.fit_learners([user.pk], AFTER)

    old.refresh_from_db()
    assert fit.in_use and not old.in_use
    assert list(MemoryFit.objects.filter(in_use=True).values_list("pk", flat=True)) == [fit.pk]


def test_a_rejected_fit_leaves_the_one_in_use(lesson):
    user = UserFactory()
    put_in_database(user, lesson, simulated(seed=7))
    old = _fit_in_use(user=user)

    (fit,) = fitting.fit_learners([user.pk], AFTER)

    old.refresh_from_db()
    assert not fit.in_use and old.in_use
    assert memory.parameters_for(user).own == tuple(old.parameters)


def _fit_in_use(*, user=None, course=None, parameters=WEAKER_KEEPER, review_count=0):
    return MemoryFit.objects.create(
        scope=MemoryFit.Scope.LEARNER if user else MemoryFit.Scope.COHORT,
        user=user,
        course=course,
        parameters=list(parameters),
        fitted_at=AFTER - timedelta(days=30),
        review_count=review_count,
        accepted=True,
        in_use=True,
    )


# --- the course cohort and the fallback -----------------------------------------------


def test_a_learner_without_a_fit_of_their_own_is_scheduled_with_the_course_cohorts(lesson):
    course = lesson.course
    keen, beginner = UserFactory(), UserFactory()
    put_in_database(keen, lesson, simulated(WEAKER_KEEPER, seed=1))
    put_in_database(UserFactory(), lesson, simulated(WEAKER_KEEPER, cards=150, seed=2))
    put_in_database(beginner, lesson, simulated(WEAKER_KEEPER, cards=12, days=40, seed=3))
    elsewhere = UserFactory()
    other_lesson = LessonFactory()
    put_in_database(elsewhere, other_lesson, simulated(cards=3, days=20))

    cohort = fitting.fit_cohort(course, AFTER)
    fits = {fit.user_id: fit for fit in fitting.fit_learners([keen.pk, beginner.pk], AFTER)}

    assert cohort.scope == MemoryFit.Scope.COHORT and cohort.course == course
    assert cohort.accepted and cohort.in_use
    assert cohort.review_count == ReviewLog.objects.filter(card__course=course).count()
    assert fits[keen.pk].in_use and not fits[beginner.pk].in_use
    own, theirs = tuple(fits[keen.pk].parameters), tuple(cohort.parameters)
    assert own != theirs

    assert memory.parameters_for(keen).for_course(course.pk) == own
    assert memory.parameters_for(beginner).for_course(course.pk) == theirs
    assert memory.parameters_for(beginner).source(course.pk) == "fitted to this course's learners"
    assert memory.parameters_for(elsewhere).for_course(other_lesson.course_id) == (
        memory.DEFAULT_PARAMETERS
    )
    # The scheduler that reviews their cards uses them.
    for user, expected in ((keen, own), (beginner, theirs)):
        card = Card.objects.filter(user=user).first()
        assert tuple(srs.scheduler_for_card(user, card).parameters) == expected
    card = Card.objects.filter(user=elsewhere).first()
    assert tuple(srs.scheduler_for_card(elsewhere, card).parameters) == memory.DEFAULT_PARAMETERS


def test_a_cohort_fit_reschedules_only_learners_without_their_own(lesson):
    keen, beginner = UserFactory(), UserFactory()
    put_in_database(keen, lesson, simulated(WEAKER_KEEPER, cards=150, seed=5))
    put_in_database(beginner, lesson, simulated(WEAKER_KEEPER, cards=150, seed=6))
    _fit_in_use(user=keen, parameters=memory.DEFAULT_PARAMETERS)
    keen_before = list(Card.objects.filter(user=keen).values_list("pk", "stability", "due"))

    cohort = fitting.fit_cohort(lesson.course, AFTER)

    assert cohort.in_use
    assert list(Card.objects.filter(user=keen).values_list("pk", "stability", "due")) == (
        keen_before
    )
    expected = _expected_states(_histories(beginner), cohort.parameters)
    for pk, stability in Card.objects.filter(user=beginner).values_list("pk", "stability"):
        assert stability == pytest.approx(expected[pk].stability, rel=1e-5)


# --- rescheduling ----------------------------------------------------------------------


def test_a_fit_in_use_reschedules_the_learners_cards_from_their_logs(lesson):
    user = UserFactory(desired_retention=Decimal("0.85"))
    put_in_database(user, lesson, simulated(WEAKER_KEEPER, seed=1))
    Card.objects.create(  # never reviewed
        user=user,
        kind=Card.Kind.KEY_POINT,
        lesson=lesson,
        key_index=999,
        course_id=lesson.course_id,
        module_id=lesson.module_id,
        due=AFTER,
    )
    before = {card.pk: card for card in Card.objects.filter(user=user)}

    (fit,) = fitting.fit_learners([user.pk], AFTER)

    assert fit.in_use
    expected = _expected_states(_histories(user), fit.parameters)
    at_retention = fsrs.Scheduler(parameters=fit.parameters, desired_retention=0.85)
    in_review = 0
    for card in Card.objects.filter(user=user):
        old = before[card.pk]
        if card.pk not in expected:  # never reviewed: untouched
            assert (card.stability, card.difficulty, card.due) == (None, None, old.due)
            continue
        assert card.stability == pytest.approx(expected[card.pk].stability, rel=1e-5)
        assert card.difficulty == pytest.approx(expected[card.pk].difficulty, rel=1e-5)
        if card.state == State.REVIEW:
            in_review += 1
            days = srs.review_interval_days(at_retention, card.stability)
            assert card.due == card.last_review + timedelta(days=days)
        else:
            assert card.due == old.due  # learning steps are left as they were
    assert in_review > 100
    moved = sum(before[c.pk].due != c.due for c in Card.objects.filter(user=user))
    assert moved > in_review / 2


def test_rescheduling_takes_the_same_queries_for_five_cards_or_sixty(lesson):
    few_user, many_user = UserFactory(), UserFactory()
    put_in_database(few_user, lesson, simulated(cards=5, days=60))
    put_in_database(many_user, lesson, simulated(cards=60, days=60))

    counts = []
    for user in (few_user, many_user):
        histories = _histories(user)
        with CaptureQueriesContext(connection) as queries:
            changed = fitting.reschedule(histories, WEAKER_KEEPER)
        assert changed == len(histories)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    updates = [
        q for q in queries.captured_queries if " UPDATE " in q["sql"].replace("FOR UPDATE", "")
    ]
    assert len(updates) == 1  # one write for the batch


def test_a_card_reviewed_after_its_logs_were_read_is_left_as_it_is(lesson):
    user = UserFactory()
    (card,) = put_in_database(user, lesson, simulated(cards=1, days=60))
    histories = _histories(user)
    card.refresh_from_db()
    # The learner reviews it while the fit runs: the history read before is one short.
    stale = {card.pk: histories[card.pk][:-1]}
    assert fitting.reschedule(stale, WEAKER_KEEPER) == 0
    assert Card.objects.get(pk=card.pk).stability == card.stability


def test_answering_and_retention_changes_use_the_parameters_in_use(lesson):
    user = UserFactory()
    (card,) = put_in_database(user, lesson, [[(Rating.GOOD, AFTER - timedelta(days=40))]])
    _fit_in_use(course=lesson.course)
    card.refresh_from_db()
    stored = card

    result = review_record(user=user, card_id=card.pk, reps=1, rating=Rating.GOOD, now=AFTER)

    by_hand, _ = fsrs.Scheduler(parameters=WEAKER_KEEPER, enable_fuzzing=False).review_card(
        srs.to_fsrs(stored), fsrs.Rating.Good, review_datetime=AFTER
    )
    assert result.card.stability == pytest.approx(by_hand.stability)
    assert result.card.state == State.REVIEW

    retention_change(user=user, desired_retention=Decimal("0.8"))
    card.refresh_from_db()
    at_80 = fsrs.Scheduler(parameters=WEAKER_KEEPER, desired_retention=0.8)
    days = srs.review_interval_days(at_80, card.stability)
    assert card.due == card.last_review + timedelta(days=days)
    # With the defaults' forgetting curve the interval would differ.
    defaults_at_80 = fsrs.Scheduler(desired_retention=0.8)
    assert srs.review_interval_days(defaults_at_80, card.stability) != days


# --- the nightly job -------------------------------------------------------------------


def test_the_nightly_job_fits_the_cohort_then_the_learners_in_batches(lesson, settings):
    settings.MEMORY_FIT_BATCH_SIZE = 1  # the suite runs tasks eagerly: one batch a learner
    users = [UserFactory() for _ in range(3)]
    for seed, user in enumerate(users, start=1):
        put_in_database(user, lesson, simulated(cards=12, days=40, seed=seed))

    assert fit_memory_models() == 3

    assert MemoryFit.objects.filter(scope=MemoryFit.Scope.COHORT, course=lesson.course).exists()
    assert set(MemoryFit.objects.values_list("user_id", flat=True)) == {None} | {
        u.pk for u in users
    }
    assert fit_memory_models() == 0  # nothing new since


def test_the_nightly_job_runs_at_three_in_the_morning_utc():
    entry = app.conf.beat_schedule["reviews-fit-memory-models"]
    assert entry["task"] == fit_memory_models.name
    assert entry["schedule"] == crontab(hour=3, minute=0)
