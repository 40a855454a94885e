"""Load balancing: a card going into review days away goes to a day of fsrs's fuzz range
that levels the learner's load, avoiding light days where it can; the same card and
review always get the same day."""

from datetime import UTC, datetime, timedelta

import fsrs
import fsrs.scheduler
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.models import User
from quizzes.models import Confidence
from quizzes.services import attempt_submit
from reviews import scheduler as srs
from reviews.balance import (
    MAX_BALANCED_INTERVAL,
    DueLoad,
    fuzz_range,
    pick_day,
)
from reviews.models import Card, Rating, State
from reviews.services import review_record
from tests.factories import (
    EnrollmentFactory,
    LessonFactory,
    QuizFactory,
    UserFactory,
    question_with,
    reviewed_key_point_card,
)

T0 = datetime(2027, 3, 2, 12, 0, tzinfo=UTC)  # a Tuesday; Wednesday 01:00 in Auckland
EXACT = fsrs.Scheduler(enable_fuzzing=False)
FUZZED = fsrs.Scheduler(enable_fuzzing=True)
derandomised = hypothesis_settings(derandomize=True, max_examples=300, deadline=None)


def _load(user: User, per_day: dict | None = None, now: datetime = T0) -> DueLoad:
    """A learner's load with its days given, not read."""
    load = DueLoad(user, now)
    load.per_day = dict(per_day or {})  # what the query would have read
    return load


def _card_in_review(stability: float, *, pk: int = 7, reps: int = 3) -> Card:
    return Card(
        pk=pk,
        kind=Card.Kind.KEY_POINT,
        state=State.REVIEW,
        step=None,
        stability=stability,
        difficulty=5.0,
        due=T0,
        last_review=T0 - timedelta(days=max(1, round(stability))),
        reps=reps,
        is_new=False,
    )


def _exact_days(card: Card, rating: int, now: datetime = T0) -> int:
    updated, _ = EXACT.review_card(srs.to_fsrs(card), fsrs.Rating(rating), review_datetime=now)
    return (updated.due - now).days


# --- the fuzz range --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("interval", "expected"), [(3, (2, 4)), (10, (8, 12)), (30, (27, 33)), (90, (84, 96))]
)
def test_fuzz_range_by_hand(interval, expected):
    assert fuzz_range(interval, 36500) == expected


@pytest.mark.parametrize("maximum", [36500, 60, 9])
def test_fuzz_range_is_the_one_fsrs_draws_from(monkeypatch, maximum):
    """fsrs's own fuzz, with its random draw pinned to each end of its range, gives the
    ends of ours, for every interval (its range is not public, only its draw)."""
    for interval in range(3, 200):
        low, high = fuzz_range(interval, maximum)
        scheduler = fsrs.Scheduler(maximum_interval=maximum)
        monkeypatch.setattr(fsrs.scheduler, "random", lambda: 0.0)
        fuzzed = scheduler._get_fuzzed_interval(interval=timedelta(days=interval)).days
        assert fuzzed == low, interval
        width = high - low
        monkeypatch.setattr(fsrs.scheduler, "random", lambda w=width: w / (w + 1))
        fuzzed = scheduler._get_fuzzed_interval(interval=timedelta(days=interval)).days
        assert fuzzed == high, interval


# --- picking the day -------------------------------------------------------------------


@derandomised
@given(
    interval=st.integers(min_value=3, max_value=MAX_BALANCED_INTERVAL),
    loads=st.dictionaries(st.integers(0, 100), st.integers(0, 500), max_size=40),
    light=st.frozensets(st.integers(0, 6)),
    seed=st.text(max_size=12),
)
def test_the_day_picked_is_always_in_the_fuzz_range(interval, loads, light, seed):
    low, high = fuzz_range(interval, 36500)
    day = pick_day(
        low=low,
        high=high,
        loads=loads,
        weekdays={d: d % 7 for d in range(low, high + 1)},
        light_weekdays=light,
        seed=seed,
    )
    assert low <= day <= high


@derandomised
@given(
    stability=st.floats(min_value=0.5, max_value=120.0),
    rating=st.sampled_from([Rating.HARD, Rating.GOOD, Rating.EASY]),
    loads=st.dictionaries(st.integers(0, 100), st.integers(0, 500), max_size=40),
    reps=st.integers(0, 1000),
)
def test_a_reviewed_card_is_due_within_the_range_of_its_exact_interval(
    stability, rating, loads, reps
):
    """Through the scheduler bridge, with fsrs's own fuzz on (balancing leaves it out):
    the due date is within the fuzz range of the unfuzzed interval, at the same time of
    day as the review."""
    card = _card_in_review(stability, reps=reps)
    user = User(time_zone="Europe/Berlin")
    per_day = {(T0 + timedelta(days=d)).astimezone(user.zone).date(): n for d, n in loads.items()}
    outcome = srs.review(FUZZED, card, rating, T0, load=_load(user, per_day))
    exact = _exact_days(card, rating)
    low, high = fuzz_range(exact, FUZZED.maximum_interval)
    if exact > MAX_BALANCED_INTERVAL:
        low, high = low, high + 1  # fsrs's own fuzz (whose draw can reach one day more)
    assert (outcome.due - T0) % timedelta(days=1) == timedelta(0)  # the time of day kept
    assert low <= (outcome.due - T0).days <= high


def test_a_heavy_day_is_avoided_when_a_lighter_one_is_in_range():
    low, high = fuzz_range(10, 36500)  # 8 to 12 days
    loads = {d: 40 for d in range(low, high + 1)} | {11: 3}
    days = [
        pick_day(
            low=low,
            high=high,
            loads=loads,
            weekdays=dict.fromkeys(loads, 0),
            light_weekdays=(),
            seed=f"card{i}:4",
        )
        for i in range(200)
    ]
    assert days.count(11) >= 195


def test_the_earlier_day_is_favoured_between_equal_loads():
    days = [
        pick_day(
            low=2, high=4, loads={}, weekdays={2: 0, 3: 1, 4: 2}, light_weekdays=(), seed=str(i)
        )
        for i in range(600)
    ]
    assert days.count(2) > days.count(3) > days.count(4) > 0


def test_the_same_card_and_review_get_the_same_day():
    user = User(time_zone="Europe/London")
    card = _card_in_review(20.0, pk=41, reps=6)
    first = srs.review(FUZZED, card, Rating.GOOD, T0, load=_load(user))
    again = srs.review(FUZZED, card, Rating.GOOD, T0, load=_load(user))
    assert first.due == again.due
    # Another review of it (or another card) draws anew: not always the same day.
    others = {
        srs.review(
            FUZZED, _card_in_review(20.0, pk=41, reps=r), Rating.GOOD, T0, load=_load(user)
        ).due
        for r in range(7, 40)
    }
    assert len(others) > 1


def test_placed_cards_count_on_their_day_so_a_batch_is_spread():
    """A quiz's new cards are placed one after another on one load, each counted on its
    day: twelve cards with the same interval spread over the five days of its range."""
    load = _load(User(time_zone="UTC"))
    days = [
        load.place(seed=f"q{i}", at=T0, interval_days=8, maximum_interval=36500) for i in range(12)
    ]
    assert all(6 <= d <= 10 for d in days)
    assert sum(load.per_day.values()) == 12
    assert max(days.count(d) for d in set(days)) <= 4 and len(set(days)) >= 4


def test_intervals_too_short_or_too_long_are_not_balanced():
    load = _load(User(time_zone="UTC"))
    for interval in (1, 2, MAX_BALANCED_INTERVAL + 1, 400):
        assert load.place(seed="x", at=T0, interval_days=interval, maximum_interval=36500) is None
    assert load.per_day == {}


# --- light days ------------------------------------------------------------------------


def _weekdays_in(zone_user: User, low: int, high: int) -> dict[int, int]:
    return {
        d: (T0 + timedelta(days=d)).astimezone(zone_user.zone).weekday()
        for d in range(low, high + 1)
    }


def test_light_days_are_avoided_where_the_range_has_another_day():
    """Reminders on one weekday only, the learner's (Auckland's) weekday of the last day
    of the range: every other day is light, and the cards go to that day."""
    user = User(time_zone="Pacific/Auckland", light_days=True)
    low, high = fuzz_range(10, 36500)
    local = _weekdays_in(user, low, high)
    # Auckland is a day ahead of UTC at this hour: the weekday is the learner's own.
    assert local[high] != (T0 + timedelta(days=high)).weekday()
    user.reminder_weekdays = 1 << local[high]
    days = [
        _load(user).place(seed=f"c{i}:2", at=T0, interval_days=10, maximum_interval=36500)
        for i in range(100)
    ]
    assert set(days) == {high}
    # Without light days, the same cards go all over the range.
    user.light_days = False
    days = [
        _load(user).place(seed=f"c{i}:2", at=T0, interval_days=10, maximum_interval=36500)
        for i in range(100)
    ]
    assert len(set(days)) == high - low + 1


def test_a_range_of_light_days_only_is_still_used():
    user = User(time_zone="Pacific/Auckland", light_days=True)
    low, high = fuzz_range(3, 36500)  # 2 to 4 days
    local = _weekdays_in(user, low, 6)
    user.reminder_weekdays = 1 << local[6]  # a reminder day outside the range
    assert all(local[d] not in user.reminder_days for d in range(low, high + 1))
    days = [
        _load(user).place(seed=f"c{i}", at=T0, interval_days=3, maximum_interval=36500)
        for i in range(60)
    ]
    assert set(days) == {2, 3, 4}


# --- the learner's load, from the database ----------------------------------------------


@pytest.fixture
def lesson():
    return LessonFactory()


def _cards(user, lesson, dues, *, first=0, **kwargs):
    """Key-point cards in review due at `dues` (key points numbered from `first`)."""
    cards = []
    for i, due in enumerate(dues, start=first):
        card = reviewed_key_point_card(user, lesson, due=due, last_review=due - timedelta(days=3))
        card.key_index = i
        for name, value in kwargs.items():
            setattr(card, name, value)
        cards.append(card)
    return Card.objects.bulk_create(cards)


@pytest.mark.django_db
@pytest.mark.parametrize("deck", [3, 600])
def test_the_load_is_one_query_by_local_day_whatever_the_deck(
    lesson, deck, django_assert_num_queries
):
    user = UserFactory(time_zone="Pacific/Auckland")  # UTC+13 in March
    # T0 + 5 days - 30 min is 00:30 on the sixth day in Auckland; - 90 min, 23:30 the day before.
    _cards(user, lesson, [T0 + timedelta(days=5, minutes=-30)] * deck)
    _cards(user, lesson, [T0 + timedelta(days=5, minutes=-90)] * 2, first=deck)
    _cards(user, lesson, [T0 + timedelta(days=6)], first=deck + 2, is_new=True)
    _cards(user, lesson, [T0 + timedelta(days=6)], first=deck + 3, suspended=True)
    day_5 = (T0 + timedelta(days=5)).astimezone(user.zone).date()

    load = DueLoad(user, T0)
    with django_assert_num_queries(1):
        per_day = load.per_day
        load.place(seed="a", at=T0, interval_days=20, maximum_interval=36500)
        load.place(seed="b", at=T0, interval_days=40, maximum_interval=36500)
    assert per_day[day_5] == deck
    assert per_day[day_5 - timedelta(days=1)] == 2
    assert per_day.get(day_5 + timedelta(days=1), 0) == 0  # new and suspended left out
    assert sum(per_day.values()) == deck + 2 + 2  # and the two placed


def _review(user, card, rating=Rating.GOOD):
    return review_record(user=user, card_id=card.pk, reps=card.reps, rating=rating, now=T0)


@pytest.mark.django_db
def test_a_review_is_placed_within_range_with_one_query_more(lesson, settings):
    user = UserFactory(time_zone="Europe/Berlin")
    one, two = _cards(user, lesson, [T0 - timedelta(hours=1)] * 2, stability=12.0)
    exact = _exact_days(one, Rating.GOOD)
    low, high = fuzz_range(exact, 36500)
    assert 3 <= exact <= MAX_BALANCED_INTERVAL and high > low

    settings.SRS_LOAD_BALANCING = False
    with CaptureQueriesContext(connection) as unbalanced:
        plain = _review(user, one)
    assert (plain.next_due - T0).days == exact  # the tests' fsrs: no fuzz, no balance
    settings.SRS_LOAD_BALANCING = True
    with CaptureQueriesContext(connection) as balanced:
        result = _review(user, two)
    assert len(balanced.captured_queries) == len(unbalanced.captured_queries) + 1
    assert low <= (result.next_due - T0).days <= high
    assert (result.next_due - T0) % timedelta(days=1) == timedelta(0)
    two.refresh_from_db()
    assert two.due == result.next_due == result.log.due_after


@pytest.mark.django_db
def test_a_review_goes_to_the_one_light_day_of_its_range(lesson, settings):
    settings.SRS_LOAD_BALANCING = True
    user = UserFactory(time_zone="UTC")
    (card,) = _cards(user, lesson, [T0 - timedelta(hours=1)], stability=12.0)
    low, high = fuzz_range(_exact_days(card, Rating.GOOD), 36500)
    free = low + 1
    heavy = [T0 + timedelta(days=d) for d in range(low, high + 1) if d != free for _ in range(300)]
    _cards(user, lesson, heavy, first=1)
    result = _review(user, card)
    assert (result.next_due - T0).days == free


@pytest.mark.django_db
def test_a_quiz_places_its_cards_in_range_with_one_query_more(settings):
    quiz = QuizFactory()
    questions = [question_with(quiz, correct=(0,), slug=f"q{i}") for i in range(12)]
    first, second = UserFactory(), UserFactory()
    for user in (first, second):
        EnrollmentFactory(user=user, course=quiz.course)

    def take(user):
        attempt_submit(
            user=user,
            quiz=quiz,
            answers={q.pk: [q.choices.order_by("order").first().pk] for q in questions},
            confidences={q.pk: Confidence.SURE for q in questions},  # right and sure: Easy
            now=T0,
        )

    settings.SRS_LOAD_BALANCING = False
    with CaptureQueriesContext(connection) as unbalanced:
        take(first)
    exact = {(c.due - T0).days for c in Card.objects.filter(user=first)}
    assert len(exact) == 1  # one interval for all (Easy, first answer)
    low, high = fuzz_range(exact.pop(), 36500)
    settings.SRS_LOAD_BALANCING = True
    with CaptureQueriesContext(connection) as balanced:
        take(second)
    assert len(balanced.captured_queries) == len(unbalanced.captured_queries) + 1
    days = [(c.due - T0).days for c in Card.objects.filter(user=second)]
    assert len(days) == 12 and all(low <= d <= high for d in days)
    assert len(set(days)) >= 3  # spread, each card counted where it went


def test_a_rating_button_promises_the_range_a_spread_due_date_may_take(settings):
    settings.SRS_FUZZING = True
    low, high = fuzz_range(8, 36500)
    assert srs.humanise_preview(timedelta(days=8, hours=1)) == f"{low}–{high} days"
    assert (low, high) == (6, 10)  # fsrs: 8 ± (1 + 0.15 × 4.5 + 0.1 × 1)
    # Too short to spread, or spreading off: the interval itself.
    assert srs.humanise_preview(timedelta(days=1)) == "1 day"
    assert srs.humanise_preview(timedelta(minutes=10)) == "10 min"
    settings.SRS_FUZZING = False
    assert srs.humanise_preview(timedelta(days=8, hours=1)) == "8 days"
