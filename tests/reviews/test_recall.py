"""Each card's recall now, computed in SQL, is the fsrs package's own
`get_card_retrievability` for the parameters that schedule it: the learner's fit, else the
course cohort's, else the defaults; whole days since the last review, a day's boundary
to the microsecond; a card never reviewed has none."""

from datetime import UTC, datetime, timedelta

import fsrs
import pytest

from reviews.memory import DEFAULT_PARAMETERS, LearnerParameters, parameters_for
from reviews.models import Card, MemoryFit
from reviews.recall import fading_first, recall_before, recall_expression
from tests.factories import LessonFactory, UserFactory, reviewed_key_point_card
from tests.reviews.library_recall import library_recall

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 10, 9, 30, 15, 250_000, tzinfo=UTC)
FITTED = (
    0.3, 1.1, 2.9, 14.0, 6.8, 0.5, 1.9, 0.01, 1.6, 0.2, 0.9,
    1.8, 0.1, 0.3, 2.2, 0.2, 2.9, 0.6, 0.4, 0.1, 0.35,
)  # fmt: skip
# (stability, time since the last review): day boundaries to the microsecond, a review
# in the future (a clock skew: no negative days), long breaks, a tiny stability.
CASES = [
    (3.0, timedelta(0)),
    (3.0, timedelta(hours=23, minutes=59, seconds=59, microseconds=999_999)),
    (3.0, timedelta(days=1)),
    (3.0, timedelta(days=1, microseconds=1)),
    (0.5, timedelta(days=2, hours=5)),
    (12.5, timedelta(days=7, microseconds=-1)),
    (12.5, timedelta(days=7)),
    (40.0, timedelta(days=365, hours=3)),
    (0.01, timedelta(days=900)),
    (5.0, timedelta(hours=-5)),
]


def _cards(user, lesson, cases):
    cards = []
    for i, (stability, elapsed) in enumerate(cases):
        card = reviewed_key_point_card(user, lesson, due=NOW, last_review=NOW - elapsed)
        card.key_index, card.stability = i, stability
        cards.append(card)
    return Card.objects.bulk_create(cards)


def _library(card, parameters):
    return library_recall(card, NOW, parameters)


def _sql_recall(params):
    return dict(
        Card.objects.annotate(recall=recall_expression(params, NOW))
        .order_by("pk")
        .values_list("pk", "recall")
    )


@pytest.mark.parametrize("parameters", [DEFAULT_PARAMETERS, FITTED], ids=["defaults", "fitted"])
def test_sql_recall_is_the_librarys_own(parameters):
    user, lesson = UserFactory(), LessonFactory()
    cards = _cards(user, lesson, CASES)
    own = None if parameters == DEFAULT_PARAMETERS else tuple(parameters)
    got = _sql_recall(LearnerParameters(own=own))
    for card in cards:
        expected = _library(card, parameters)
        assert got[card.pk] == pytest.approx(expected, rel=1e-12, abs=1e-15), (
            card.stability,
            NOW - card.last_review,
        )


def test_the_day_boundary_is_counted_as_the_library_counts_it():
    """Just under a day is the same as no time at all; exactly a day is one."""
    user, lesson = UserFactory(), LessonFactory()
    cards = _cards(user, lesson, CASES[:4])
    got = _sql_recall(LearnerParameters())
    values = [got[card.pk] for card in cards]
    assert values[0] == values[1] == 1.0
    assert values[2] == values[3] < 1.0


def test_a_card_never_reviewed_has_no_recall():
    user, lesson = UserFactory(), LessonFactory()
    card = reviewed_key_point_card(user, lesson, due=NOW, last_review=None)
    card.stability, card.is_new = None, True
    card.save()
    assert _sql_recall(LearnerParameters()) == {card.pk: None}


def test_each_card_takes_its_course_cohorts_parameters_unless_the_learner_has_their_own():
    user = UserFactory()
    fitted_lesson, default_lesson = LessonFactory(), LessonFactory()
    fitted_card = _cards(user, fitted_lesson, [(4.0, timedelta(days=9))])[0]
    default_card = _cards(user, default_lesson, [(4.0, timedelta(days=9))])[0]
    MemoryFit.objects.create(
        scope=MemoryFit.Scope.COHORT,
        course_id=fitted_lesson.course_id,
        parameters=list(FITTED),
        fitted_at=NOW,
        review_count=1000,
        accepted=True,
        in_use=True,
    )
    got = _sql_recall(parameters_for(user))
    assert got[fitted_card.pk] == pytest.approx(_library(fitted_card, FITTED), rel=1e-12)
    assert got[default_card.pk] == pytest.approx(
        _library(default_card, DEFAULT_PARAMETERS), rel=1e-12
    )
    assert got[fitted_card.pk] != got[default_card.pk]

    own = tuple(p * 1.01 if i == 20 else p for i, p in enumerate(FITTED))
    MemoryFit.objects.create(
        scope=MemoryFit.Scope.LEARNER,
        user=user,
        parameters=list(own),
        fitted_at=NOW,
        review_count=1000,
        accepted=True,
        in_use=True,
    )
    got = _sql_recall(parameters_for(user))
    for card in (fitted_card, default_card):
        assert got[card.pk] == pytest.approx(_library(card, own), rel=1e-12)


def test_recall_before_a_review_is_the_librarys_at_that_time():
    last = NOW - timedelta(days=6, hours=2)
    expected = fsrs.Scheduler().get_card_retrievability(
        fsrs.Card(stability=8.0, difficulty=5.0, last_review=last, state=fsrs.State.Review),
        current_datetime=NOW,
    )
    assert recall_before(
        stability=8.0, last_review=last, at=NOW, parameters=DEFAULT_PARAMETERS
    ) == pytest.approx(expected, rel=1e-15)
    assert (
        recall_before(stability=None, last_review=None, at=NOW, parameters=DEFAULT_PARAMETERS)
        is None
    )


@pytest.mark.parametrize("cohort", [False, True], ids=["one curve", "two curves"])
def test_fading_first_orders_cards_as_their_recall_does(cohort):
    user = UserFactory()
    lessons = LessonFactory(), LessonFactory()
    cards = [
        *_cards(user, lessons[0], CASES[4:9]),
        *_cards(user, lessons[1], [(2.0, timedelta(days=5)), (30.0, timedelta(days=40))]),
    ]
    if cohort:
        MemoryFit.objects.create(
            scope=MemoryFit.Scope.COHORT,
            course_id=lessons[1].course_id,
            parameters=list(FITTED),
            fitted_at=NOW,
            review_count=1000,
            accepted=True,
            in_use=True,
        )
    params = parameters_for(user)
    expected = sorted(
        cards,
        key=lambda c: (_library(c, params.for_course(c.course_id)), c.pk),
    )
    got = Card.objects.order_by(fading_first(params, NOW), "pk").values_list("pk", flat=True)
    assert list(got) == [c.pk for c in expected]
