"""Reminders through Redis, real Celery workers, PostgreSQL and an SMTP server: one email
to each learner who is due and whose local hour has come, none to anyone else; and still
exactly one each when the worker is SIGKILLed part-way and a new one takes over."""

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import User
from reminders.models import Reminder
from reminders.tasks import send_due_reminders
from reviews.models import Card
from tests.factories import LessonFactory, reviewed_key_point_card

from .conftest import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ZONES = [
    "Pacific/Auckland",
    "Australia/Sydney",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Europe/Moscow",
    "Europe/Athens",
    "Europe/Berlin",
    "Europe/London",
    "Atlantic/Azores",
    "America/Sao_Paulo",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Pacific/Honolulu",
    "Asia/Singapore",
    "Africa/Nairobi",
]


def make_learners(prefix: str, count: int, rng: random.Random) -> set[str]:
    """Learners across time zones; returns the addresses that should get a reminder now.

    Hours are chosen a clear hour away from "now" (and from the quiet hours) so that the
    minute the test runs in cannot change who is owed one.
    """
    now = timezone.now()
    past = datetime(2026, 1, 1, tzinfo=UTC)
    lesson = LessonFactory(
        publish_at=past, module__publish_at=past, module__course__publish_at=past
    )
    password = make_password(None)
    users, expected = [], set()
    for i in range(count):
        zone = rng.choice(ZONES)
        local = now.astimezone(ZoneInfo(zone))
        has_due = rng.random() < 0.8
        days = 0b1111111
        if 8 <= local.hour <= 20 and rng.random() < 0.7:
            hour, owed = rng.randint(7, local.hour - 1), True  # their hour has come
        elif 8 <= local.hour <= 19:
            hour, owed = rng.randint(local.hour + 2, 21), False  # later today
        else:
            # Night there, or near its edges: today is not one of their days.
            hour, owed = rng.randint(7, 21), False
            days &= ~(1 << local.weekday())
        email = f"{prefix}{i}@example.org"
        users.append(
            User(
                email=email,
                password=password,
                time_zone=zone,
                reminder_hour=hour,
                reminder_weekdays=days,
                role="patient",
            )
        )
        if owed and has_due:
            expected.add(email)
        users[-1].has_due = has_due
    User.objects.bulk_create(users)
    created = {u.email: u for u in User.objects.filter(email__startswith=prefix)}
    Card.objects.bulk_create(
        reviewed_key_point_card(
            created[u.email],
            lesson,
            due=now - timedelta(hours=2) if u.has_due else now + timedelta(days=3),
            last_review=now - timedelta(days=3),
        )
        for u in users
    )
    return expected


def settle(inbox, rows: int, timeout: float = 120, every=None) -> Counter:
    """Wait until all the reminder rows there should be are written and settled (sent,
    interrupted or failed): after that nothing more can reach the server, so its count
    is final."""
    wait_until(
        lambda: (
            Reminder.objects.count() == rows
            and not Reminder.objects.filter(sent_at__isnull=True, failed_at__isnull=True).exists()
        ),
        what="every reminder settled",
        timeout=timeout,
        every=every,
    )
    return Counter(inbox.recipients())


def test_one_reminder_each_then_again_with_a_killed_worker(celery_worker, smtp_server):
    inbox, _ = smtp_server
    rng = random.Random(20261122)

    # 1. A normal run: 200 learners, one job.
    expected = make_learners("first", 200, rng)
    assert 20 <= len(expected) <= 180, "the mix should have both owed and not owed learners"
    first = celery_worker()
    send_due_reminders.delay()
    received = settle(inbox, len(expected))
    assert set(received) == expected
    assert all(n == 1 for n in received.values()), received.most_common(3)
    assert Reminder.objects.filter(sent_at__isnull=False).count() == len(expected)

    # 2. Another 200; the worker is SIGKILLed while the SMTP server holds a message
    #    part-way through, unanswered. (One worker process, so that nothing else is
    #    mid-send at that moment.) Reminders go at most once: that one is recorded as
    #    interrupted and not sent again; a new worker and the next runs of the job, once
    #    the dead worker's leases (4 s in these tests) run out, send all the others.
    first.stop()
    first_round = Counter(inbox.recipients())
    expected_2 = make_learners("second", 200, rng)
    inbox.hold_at(len(expected_2) // 3)
    doomed = celery_worker(concurrency=1)
    send_due_reminders.delay()
    assert inbox.holding.wait(60), "the held message never came"
    doomed.kill()
    inbox.release(accept=False)  # the sender is dead: the server never said "250"
    before_crash = Counter(inbox.recipients()) - first_round
    assert 0 < sum(before_crash.values()) < len(expected_2)
    assert Reminder.objects.filter(sent_at__isnull=True, user__email__startswith="second").exists()

    celery_worker()
    received_2 = (
        settle(inbox, len(expected) + len(expected_2), every=send_due_reminders.delay) - first_round
    )
    dupes = [a for a, n in received_2.items() if n > 1]
    assert not dupes, dupes
    interrupted = Reminder.objects.filter(interrupted=True)
    assert [r.user.email for r in interrupted] == inbox.held_for
    assert set(received_2) == expected_2 - set(inbox.held_for)
