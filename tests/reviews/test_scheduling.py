"""Scheduling goes through the fsrs package; the clock is moved, fuzzing is off."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import fsrs
import pytest
import time_machine
from django.db import IntegrityError, transaction

from lib.errors import AppError, ErrorKind
from reviews import scheduler as srs
from reviews.models import Card, Rating, ReviewLog, State
from reviews.selectors import due_queue
from reviews.services import (
    LEECH_FAILURES,
    StaleReview,
    card_bring_back,
    cards_from_lesson,
    retention_change,
    review_record,
)
from tests.factories import LessonFactory, UserFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)  # after the factories publish lessons


@pytest.fixture
def lesson():
    return LessonFactory(key_points=[{"front": f"Q{i}?", "back": f"A{i}."} for i in range(3)])


@pytest.fixture
def user():
    return UserFactory()


def test_good_good_again_comes_back_when_the_package_says(user, lesson):
    cards_from_lesson(user=user, lesson=lesson, now=T0)
    card = Card.objects.filter(user=user).order_by("key_index").first()

    # The package, on its own, with the same ratings at the same moments.
    scheduler = fsrs.Scheduler(desired_retention=0.9, enable_fuzzing=False)
    expected = fsrs.Card()
    moments = []
    now = T0
    for rating in (Rating.GOOD, Rating.GOOD, Rating.AGAIN):
        expected, _ = scheduler.review_card(expected, fsrs.Rating(rating), review_datetime=now)
        moments.append((now, rating, expected.due, expected.state.value))
        now = expected.due  # review exactly when due

    for reps, (when, rating, due, state) in enumerate(moments):
        with time_machine.travel(when, tick=False):
            result = review_record(user=user, card_id=card.pk, reps=reps, rating=rating)
        assert result.card.due == due
        assert result.card.state == state
    card.refresh_from_db()
    assert card.reps == 3 and card.failures == 1
    assert card.state == State.RELEARNING  # a card in review that was forgotten
    logs = list(ReviewLog.objects.filter(card=card).order_by("reviewed_at"))
    assert [x.rating for x in logs] == [3, 3, 1]
    assert logs[0].was_new and not logs[1].was_new
    assert [x.due_after for x in logs] == [m[2] for m in moments]


def test_a_card_that_is_not_due_needs_early(user, lesson):
    cards_from_lesson(user=user, lesson=lesson, now=T0)
    card = Card.objects.filter(user=user).first()
    review_record(user=user, card_id=card.pk, reps=0, rating=Rating.EASY, now=T0)
    later = T0 + timedelta(hours=1)
    with pytest.raises(AppError, match="not due until"):
        review_record(user=user, card_id=card.pk, reps=1, rating=Rating.GOOD, now=later)
    assert (
        review_record(
            user=user, card_id=card.pk, reps=1, rating=Rating.GOOD, now=later, early=True
        ).card.reps
        == 2
    )


def test_a_repeat_gets_the_first_result_and_a_stale_review_is_refused(user, lesson):
    cards_from_lesson(user=user, lesson=lesson, now=T0)
    card = Card.objects.filter(user=user).first()
    first = review_record(user=user, card_id=card.pk, reps=0, rating=Rating.AGAIN, now=T0)
    assert not first.replayed
    # The same review sent again later (a retry after a lost response).
    again = review_record(
        user=user, card_id=card.pk, reps=0, rating=Rating.AGAIN, now=T0 + timedelta(hours=1)
    )
    assert again.replayed and again.log.pk == first.log.pk
    assert (again.log.rating, again.reps, again.next_due, again.leech, again.correct) == (
        Rating.AGAIN,
        1,
        first.next_due,
        False,
        None,
    )
    # The same reps with another answer, or a reps the card never had: stale.
    for reps, rating, message in [
        (0, Rating.GOOD, "already recorded, rated Again"),
        (5, Rating.AGAIN, "its reps is 1, not 5"),
    ]:
        with pytest.raises(StaleReview, match=message) as error:
            review_record(user=user, card_id=card.pk, reps=reps, rating=rating, now=T0)
        assert (error.value.kind, error.value.reps) == (ErrorKind.STALE, 1)
    assert ReviewLog.objects.filter(card=card).count() == 1
    card.refresh_from_db()
    assert card.reps == 1


def test_the_database_holds_one_review_per_card_and_reps(user, lesson):
    cards_from_lesson(user=user, lesson=lesson, now=T0)
    card = Card.objects.filter(user=user).first()
    log = review_record(user=user, card_id=card.pk, reps=0, rating=Rating.GOOD, now=T0).log
    log.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        log.save()
    assert ReviewLog.objects.filter(card=card).count() == 1


def test_queue_reviews_oldest_first_then_new_within_the_daily_limit(user):
    user.new_cards_per_day = 2
    user.save()
    lesson = LessonFactory(key_points=[{"front": f"Q{i}", "back": "A"} for i in range(5)])
    cards_from_lesson(user=user, lesson=lesson, now=T0)
    cards = list(Card.objects.filter(user=user).order_by("key_index"))
    # Two older cards already in review, due at different times before now.
    for card, days in ((cards[3], 1), (cards[4], 2)):
        Card.objects.filter(pk=card.pk).update(
            is_new=False,
            state=State.REVIEW,
            step=None,
            stability=3.0,
            difficulty=5.0,
            due=T0 - timedelta(days=days),
            last_review=T0 - timedelta(days=days + 3),
        )
    now = T0 + timedelta(minutes=1)
    seen = []
    while (queue := due_queue(user, now)).card is not None:
        seen.append(queue.card.pk)
        review_record(
            user=user, card_id=queue.card.pk, reps=queue.card.reps, rating=Rating.EASY, now=now
        )
    assert seen[:2] == [cards[4].pk, cards[3].pk]  # reviews first, oldest due first
    assert seen[2:] == [cards[0].pk, cards[1].pk]  # then two new cards, no more today
    assert due_queue(user, now).new_available == 0
    # The next local day brings the next new card.
    assert due_queue(user, T0 + timedelta(days=1)).card.pk == cards[2].pk


def test_the_day_follows_the_learners_time_zone(user):
    user.new_cards_per_day, user.time_zone = 1, "Pacific/Auckland"  # UTC+13 in March
    user.save()
    lesson = LessonFactory(key_points=[{"front": "Q1", "back": "A"}, {"front": "Q2", "back": "A"}])
    cards_from_lesson(user=user, lesson=lesson, now=T0)
    first = due_queue(user, T0).card
    review_record(user=user, card_id=first.pk, reps=0, rating=Rating.EASY, now=T0)  # 22:00 local
    assert due_queue(user, T0 + timedelta(hours=1)).new_available == 0  # 23:00 local
    assert due_queue(user, T0 + timedelta(hours=2, minutes=1)).new_available == 1  # next day


def test_eight_failures_make_a_leech_out_of_the_queue_until_brought_back(user, lesson):
    cards_from_lesson(user=user, lesson=lesson, now=T0)
    card = Card.objects.filter(user=user).first()
    now = T0
    for reps in range(LEECH_FAILURES):
        result = review_record(
            user=user, card_id=card.pk, reps=reps, rating=Rating.AGAIN, now=now, early=True
        )
        now += timedelta(minutes=11)
    assert result.card.is_leech and result.card.suspended and result.leech
    assert card.pk not in {due_queue(user, now + timedelta(days=30)).card.pk}
    with pytest.raises(AppError, match="out of the queue"):
        review_record(
            user=user, card_id=card.pk, reps=LEECH_FAILURES, rating=Rating.GOOD, now=now, early=True
        )
    # The eighth forgetting sent again (a retry): its result again, out of the queue.
    again = review_record(
        user=user, card_id=card.pk, reps=LEECH_FAILURES - 1, rating=Rating.AGAIN, now=now
    )
    assert again.replayed and again.leech and again.reps == LEECH_FAILURES
    card_bring_back(user=user, card_id=card.pk, reps=LEECH_FAILURES)
    card.refresh_from_db()
    assert not card.suspended and not card.is_leech and card.failures == 0


def test_changing_retention_reschedules_cards_in_review(user, lesson):
    cards_from_lesson(user=user, lesson=lesson, now=T0)
    card = Card.objects.filter(user=user).first()
    review_record(user=user, card_id=card.pk, reps=0, rating=Rating.EASY, now=T0)  # to review
    card.refresh_from_db()
    assert card.state == State.REVIEW
    before = card.due
    assert retention_change(user=user, desired_retention=Decimal("0.97")) == 1
    card.refresh_from_db()
    assert card.due < before  # remembering more means seeing it sooner
    # The same due date the package gives for that stability at 0.97.
    scheduler = fsrs.Scheduler(desired_retention=0.97, enable_fuzzing=False)
    assert card.due == card.last_review + timedelta(
        days=scheduler._next_interval(stability=card.stability)
    )
    assert srs.review_interval_days(scheduler, card.stability) == (card.due - card.last_review).days


def test_interval_previews_and_wording(user, lesson):
    cards_from_lesson(user=user, lesson=lesson, now=T0)
    card = Card.objects.filter(user=user).first()
    previews = srs.previews(user, card, T0)
    assert previews[Rating.AGAIN] == timedelta(minutes=1)
    assert previews[Rating.HARD] < previews[Rating.GOOD] <= previews[Rating.EASY]
    assert srs.humanise(timedelta(minutes=1)) == "1 min"
    assert srs.humanise(timedelta(days=3)) == "3 days"
    assert srs.humanise(timedelta(days=90)) == "3 months"
