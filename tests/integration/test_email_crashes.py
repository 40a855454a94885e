"""Every kind of email under worker crashes, with real workers, Redis, PostgreSQL and a slow
SMTP server (50 ms a message), counted at the server.

The contract (outbox.batch, README "Email"): transactional mail and newsletter issues go
at least once, every copy of one email carrying the row's own Message-ID, so a replay is
one that receiving systems drop; reminders go at most once, and a reminder a crash cost
is recorded as interrupted. Workers are SIGKILLed in both places that matter: while the
server is reading a message (it keeps nothing) and after the server has kept it but
before the worker hears "250" (the window no sender can close). A stalled worker whose
lease runs out must not send what another worker took over.
"""

import os
import re
import signal
import time
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.hashers import make_password
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from newsletter import services as newsletter
from newsletter.models import Delivery, Issue, Subscriber
from newsletter.tasks import resume_deliveries
from outbox import services as outbox
from outbox.models import OutboundEmail
from outbox.tasks import sweep_unsent
from reminders.models import Reminder
from reminders.tasks import send_due_reminders
from reviews.models import Card
from tests.factories import LessonFactory, reviewed_key_point_card

from .conftest import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

SLOW = 0.05  # seconds the SMTP server takes to accept each message
# Message counts at the server where the worker is killed, and whether the server has
# kept that message first (True: the "250" never reaches the worker).
KILLS = [(12, True), (30, False), (48, True), (66, False)]


class Crashes:
    """One worker at a time (one process, so that exactly one message is in flight at
    each kill); a killed worker is replaced, and the beat job is run every half second
    until the database says every row is settled."""

    def __init__(self, start_worker, inbox, beat):
        self.start_worker, self.inbox, self.beat = start_worker, inbox, beat
        self.worker = start_worker(concurrency=1)
        self.kills = 0

    def kill_at(self, schedule) -> None:
        for n, stored in schedule:
            self.inbox.crash_at(n, self._kill, stored=stored)

    def _kill(self) -> None:
        self.worker.kill()
        self.kills += 1

    def until(self, settled, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while not settled():
            assert time.monotonic() < deadline, "the rows never settled"
            if self.worker.process.poll() is not None:
                self.worker = self.start_worker(concurrency=1)
            self.beat.delay()
            time.sleep(0.5)


def report(kind: str, **figures) -> None:
    # Shown with `pytest -s`; the figures the closing note quotes.
    print(f"\n[{kind}] " + ", ".join(f"{k}={v}" for k, v in figures.items()))


def owed_learners(prefix: str, count: int) -> set[str]:
    """Learners with reviews due whose reminder hour has come: in zones where it is now
    between 08:00 and 20:00, well clear of the quiet hours, with their hour at 07:00."""
    now = timezone.now()
    zones = [
        z
        for z in ("Pacific/Auckland", "Asia/Tokyo", "Asia/Kolkata", "Europe/Berlin")
        + ("Europe/London", "America/Sao_Paulo", "America/New_York", "America/Los_Angeles")
        + ("Pacific/Honolulu", "Asia/Dubai", "Australia/Sydney", "Atlantic/Azores")
        if 8 <= now.astimezone(ZoneInfo(z)).hour <= 20
    ]
    assert zones, "at any moment some of these zones are in their day"
    past = now - timedelta(days=30)
    lesson = LessonFactory(
        publish_at=past, module__publish_at=past, module__course__publish_at=past
    )
    password = make_password(None)
    User.objects.bulk_create(
        User(
            email=f"{prefix}{i}@example.org",
            password=password,
            time_zone=zones[i % len(zones)],
            reminder_hour=7,
            reminder_weekdays=0b1111111,
            role="patient",
        )
        for i in range(count)
    )
    users = list(User.objects.filter(email__startswith=prefix))
    Card.objects.bulk_create(
        reviewed_key_point_card(
            user, lesson, due=now - timedelta(hours=2), last_review=now - timedelta(days=3)
        )
        for user in users
    )
    return {user.email for user in users}


def at_least_once_figures(rows, received: dict[str, list[str]]) -> dict:
    """For each row: the Message-IDs its address received. Exactly one distinct id, the
    row's own, and at least one copy; replays are the extra copies of that id."""
    wrong = [r.to_address for r in rows if set(received.get(r.to_address, [])) != {r.message_id}]
    copies = sum(len(received.get(r.to_address, [])) for r in rows)
    return {"rows": len(rows), "wrong_or_missing": wrong, "replays": copies - len(rows)}


def test_reminders_at_most_once_through_kills(celery_worker, smtp_server):
    inbox, _ = smtp_server
    inbox.delay = SLOW
    expected = owed_learners("crash", 90)
    run = Crashes(celery_worker, inbox, send_due_reminders)
    run.kill_at(KILLS)
    send_due_reminders.delay()
    run.until(
        lambda: (
            Reminder.objects.count() == len(expected)
            and not Reminder.objects.filter(sent_at__isnull=True, failed_at__isnull=True).exists()
        )
    )
    received = Counter(inbox.recipients())
    interrupted = set(
        Reminder.objects.filter(interrupted=True).values_list("user__email", flat=True)
    )
    missed = expected - set(received)
    duplicates = sum(n - 1 for n in received.values())
    report(
        "reminders",
        learners=len(expected),
        kills=run.kills,
        duplicates=duplicates,
        missed=len(missed),
        interrupted=len(interrupted),
    )
    assert run.kills == len(KILLS)
    assert duplicates == 0, received.most_common(3)
    # Every reminder a crash cost is recorded as such (one per kill: one in flight).
    assert missed <= interrupted and len(interrupted) == run.kills
    assert Reminder.objects.filter(sent_at__isnull=False).count() == len(expected) - run.kills
    # The two kinds of kill: a message the server kept was delivered, though recorded.
    assert len(missed) == sum(1 for _, stored in KILLS if not stored)


def test_newsletter_at_least_once_with_one_message_id_per_delivery(celery_worker, smtp_server):
    inbox, _ = smtp_server
    inbox.delay = SLOW
    now = timezone.now()
    Subscriber.objects.bulk_create(
        Subscriber(
            email=f"reader{i}@example.org",
            status=Subscriber.Status.ACTIVE,
            consent_text="yes",
            consent_at=now,
            confirmed_at=now,
        )
        for i in range(80)
    )
    issue = Issue.objects.create(subject="November", body_md="# Sitting\n\nTips.")
    run = Crashes(celery_worker, inbox, resume_deliveries)
    run.kill_at(KILLS)
    newsletter.issue_send(issue=issue, by=None, now=now)
    run.until(
        lambda: (
            Delivery.objects.filter(issue=issue).count() == 80
            and not Delivery.objects.filter(sent_at__isnull=True, failed_at__isnull=True).exists()
        )
    )
    rows = list(Delivery.objects.filter(issue=issue).select_related("subscriber"))
    for row in rows:
        row.to_address = row.subscriber.email
    figures = at_least_once_figures(rows, inbox.by_recipient())
    report("newsletter", kills=run.kills, **figures)
    assert run.kills == len(KILLS)
    assert figures["wrong_or_missing"] == []
    assert all(row.status == "sent" for row in rows)
    # Only a message the server kept before the worker heard "250" is sent again.
    assert figures["replays"] <= sum(1 for _, stored in KILLS if stored)


def test_transactional_email_at_least_once_with_one_message_id_per_row(celery_worker, smtp_server):
    inbox, _ = smtp_server
    inbox.delay = SLOW
    run = Crashes(celery_worker, inbox, sweep_unsent)
    run.kill_at(KILLS[:3])
    with transaction.atomic():
        for i in range(50):
            outbox.email_record(EmailMessage("Confirm", "Body", to=[f"joiner{i}@example.org"]))
    run.until(
        lambda: (
            not OutboundEmail.objects.filter(sent_at__isnull=True, failed_at__isnull=True).exists()
        )
    )
    rows = list(OutboundEmail.objects.all())
    for row in rows:
        row.to_address = row.to
    figures = at_least_once_figures(rows, inbox.by_recipient())
    report("transactional", kills=run.kills, **figures)
    assert run.kills == 3 and len(rows) == 50
    assert figures["wrong_or_missing"] == []
    assert figures["replays"] <= sum(1 for _, stored in KILLS[:3] if stored)


def test_a_stalled_worker_sends_nothing_another_took_over(celery_worker, smtp_server, tmp_path):
    """The batch outruns its lease because its worker is frozen (SIGSTOP) mid-message;
    another worker takes the rows over; the first one wakes and must skip them."""
    inbox, _ = smtp_server
    inbox.delay = SLOW
    expected = owed_learners("stall", 60)
    stalled = celery_worker(concurrency=1)
    send_due_reminders.delay()
    deadline = time.monotonic() + 90
    while inbox.arrived < 10:
        assert time.monotonic() < deadline, "the first worker never started sending"
        time.sleep(0.05)
    os.killpg(stalled.process.pid, signal.SIGSTOP)
    try:
        frozen_at = inbox.arrived
        # Let its leases (4 s here) run out, then another worker and the beat job take
        # over: every row is settled without the frozen worker.
        rescuer = celery_worker(concurrency=1)
        deadline = time.monotonic() + 180
        while Reminder.objects.filter(sent_at__isnull=True, failed_at__isnull=True).exists():
            assert time.monotonic() < deadline, "the rows were never taken over"
            send_due_reminders.delay()
            time.sleep(0.5)
        taken_over_at = inbox.arrived
    finally:
        os.killpg(stalled.process.pid, signal.SIGCONT)
    # The frozen worker wakes: its batch task ends, reporting the rows it lost.
    lost = re.compile(r"send_reminder_batch\[[^]]+\] succeeded .*'taken_over': [1-9]")
    wait_until(
        lambda: lost.search(stalled.log.read_text()) is not None,
        what="the woken worker's batch to end with rows taken over",
    )
    rescuer.stop()
    stalled.stop()
    received = Counter(inbox.recipients())
    interrupted = set(
        Reminder.objects.filter(interrupted=True).values_list("user__email", flat=True)
    )
    report(
        "stalled worker",
        learners=len(expected),
        sent_before_freeze=frozen_at,
        sent_after_wake=inbox.arrived - taken_over_at,
        duplicates=sum(n - 1 for n in received.values()),
        interrupted=len(interrupted),
    )
    assert all(n == 1 for n in received.values()), received.most_common(3)
    assert expected - set(received) <= interrupted
    # Woken, it sends nothing new: at most the one message it was in the middle of.
    assert inbox.arrived - taken_over_at <= 1
