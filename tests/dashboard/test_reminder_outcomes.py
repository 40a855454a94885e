"""Reminder outcomes per ISO week: sent, followed by a review within 24 hours of the
sending, sent to learners who have since turned reminders off, and failed."""

from datetime import timedelta

import pytest

from accounts.models import User
from reminders.selectors import reminder_outcomes
from tests.factories import LessonFactory, UserFactory

from .activity import NOW, THIS_MONDAY, reminder, review

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


def test_sent_returned_turned_off_and_failed_by_week():
    lesson = LessonFactory()
    quick, slow, quiz_only, off, bounced = (UserFactory() for _ in range(5))
    sent_at = THIS_MONDAY + 8 * HOUR + timedelta(minutes=1)  # reminder() sends a minute in
    reminder(quick, created_at=THIS_MONDAY + 8 * HOUR)
    review(quick, lesson, sent_at + 23 * HOUR)  # within the day
    reminder(slow, created_at=THIS_MONDAY + 8 * HOUR)
    review(slow, lesson, sent_at + 25 * HOUR)  # too late
    review(slow, lesson, sent_at - HOUR)  # before the reminder: does not count
    reminder(quiz_only, created_at=THIS_MONDAY + 8 * HOUR)
    review(quiz_only, lesson, sent_at + HOUR, in_quiz=True)  # a quiz answer, not a review
    reminder(off, created_at=THIS_MONDAY - 2 * 24 * HOUR)  # the week before
    User.objects.filter(pk=off.pk).update(reminders_enabled=False)
    reminder(bounced, created_at=THIS_MONDAY + 9 * HOUR, sent=False, failed=True)
    reminder(quick, created_at=THIS_MONDAY - timedelta(weeks=12))  # before the window

    weeks = reminder_outcomes(now=NOW, weeks=12)

    assert len(weeks) == 12
    this, last = weeks[-1], weeks[-2]
    assert (this.sent, this.returned, this.turned_off, this.failed) == (3, 1, 0, 1)
    assert this.returned_percent == pytest.approx(100 / 3)
    assert (last.sent, last.returned, last.turned_off, last.failed) == (1, 0, 1, 0)
    assert sum(w.sent for w in weeks[:-2]) == 0
    assert weeks[0].returned_percent is None
