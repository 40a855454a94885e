"""Learner activity for the dashboard's tests, written directly as rows (the services
that write them in real life are tested elsewhere): reviews, reminders, subscribers,
quiz attempts."""

import itertools
import uuid
from datetime import UTC, datetime, timedelta

from newsletter.models import Subscriber
from quizzes.models import Attempt
from reminders.models import Reminder
from reviews.models import Rating, ReviewLog, State
from tests.factories import reviewed_key_point_card

# A Wednesday: its ISO week (2026-W48) began on Monday 23 November.
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
THIS_MONDAY = datetime(2026, 11, 23, tzinfo=UTC)

_keys = itertools.count()


def review(user, lesson, at, *, rating=Rating.GOOD, state=State.REVIEW, in_quiz=False):
    """One review of a new key-point card of `user` in `lesson`, at `at`."""
    card = reviewed_key_point_card(user, lesson, due=at, last_review=at - timedelta(days=3))
    card.key_index = next(_keys) % 30000
    card.save()
    return ReviewLog.objects.create(
        card=card,
        user=user,
        module_id=lesson.module_id,
        rating=rating,
        reviewed_at=at,
        state_before=state,
        state_after=State.REVIEW,
        due_before=at,
        due_after=at + timedelta(days=3),
        reps=0,
        in_quiz=in_quiz,
    )


def reminder(user, *, created_at, sent=True, failed=False):
    return Reminder.objects.create(
        user=user,
        local_date=created_at.date(),
        due_count=3,
        claim=uuid.uuid4(),
        created_at=created_at,
        sent_at=created_at + timedelta(minutes=1) if sent else None,
        failed_at=created_at + timedelta(minutes=5) if failed else None,
    )


def subscriber(email, *, created_at, confirmed_at=None, unsubscribed_at=None, status="pending"):
    return Subscriber.objects.create(
        email=email,
        status=status,
        consent_text="Yes, send me the newsletter.",
        consent_at=created_at,
        created_at=created_at,
        confirmed_at=confirmed_at,
        unsubscribed_at=unsubscribed_at,
    )


def attempt(user, quiz, *, at, passed):
    return Attempt.objects.create(
        user=user, quiz=quiz, submitted_at=at, score=90 if passed else 40, passed=passed
    )
