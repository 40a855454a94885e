"""Review activity across courses: active learners over 7 and 30 days, reviews per UTC
day for 30 days, and the measured retention of learned cards against the desired."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from reviews.models import Rating, State
from reviews.selectors import review_activity
from tests.factories import LessonFactory, UserFactory

from .activity import NOW, review

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)


def test_active_learners_reviews_per_day_and_retention():
    lesson = LessonFactory()
    recent, lapsed, gone = (
        UserFactory(),
        UserFactory(desired_retention=Decimal("0.80")),
        UserFactory(),
    )
    review(recent, lesson, NOW - timedelta(hours=1))
    review(recent, lesson, NOW - timedelta(hours=2), rating=Rating.AGAIN)
    review(recent, lesson, NOW - timedelta(hours=3), state=State.LEARNING, rating=Rating.AGAIN)
    review(lapsed, lesson, NOW - 10 * DAY)
    review(lapsed, lesson, NOW - 10 * DAY - timedelta(hours=1))
    review(gone, lesson, NOW - 31 * DAY)  # outside the 30 days
    review(gone, lesson, NOW - timedelta(hours=1), in_quiz=True)  # a quiz answer: left out

    activity = review_activity(now=NOW)

    assert (activity.active_7, activity.active_30) == (1, 2)
    assert len(activity.per_day) == 30
    assert activity.per_day[-1].day == date(2026, 11, 25)
    assert activity.per_day[0].day == date(2026, 10, 27)
    counts = {d.day: d.count for d in activity.per_day if d.count}
    assert counts == {date(2026, 11, 25): 3, date(2026, 11, 15): 2}
    # Learned cards only: 4 reviews (the learning step is out), 1 rated Again.
    assert (activity.due_reviews, activity.recalled) == (4, 3)
    assert activity.measured_percent == 75
    # Desired: each review weighted by its learner's setting (0.9, 0.9, 0.8, 0.8).
    assert activity.desired_percent == pytest.approx(85)
    low, high = activity.measured_interval
    assert low < 75 < high
    assert activity.verdict == "too few"


def test_no_reviews_gives_zeros_and_no_retention():
    activity = review_activity(now=NOW)

    assert (activity.active_7, activity.active_30, activity.due_reviews) == (0, 0, 0)
    assert activity.measured_percent is None
    assert activity.measured_interval is None
    assert activity.desired_percent is None
    assert activity.verdict == "too few"
    assert sum(d.count for d in activity.per_day) == 0
