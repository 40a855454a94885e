import smtplib
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends import locmem
from django.utils import timezone

from outbox import services, tasks
from outbox.batch import TemporaryMailFailure, lease
from outbox.models import OutboundEmail

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _record(on_commit, to="a@example.org") -> OutboundEmail:
    message = EmailMultiAlternatives("Subject", "Text body", to=[to])
    message.attach_alternative("<p>HTML body</p>", "text/html")
    with on_commit():
        (row,) = services.email_record(message)
    return row


def test_recorded_email_is_sent_once_with_both_parts(on_commit):
    row = _record(on_commit)
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].alternatives[0][0] == "<p>HTML body</p>"
    # A duplicate delivery of the task finds the row sent and does nothing.
    assert tasks.send_email.delay(row.pk).get()["sent"] == 0
    assert len(mail.outbox) == 1


def test_an_email_leased_by_a_live_worker_is_not_sent_by_a_second():
    row = OutboundEmail.objects.create(to="a@example.org", subject="S", body_text="T")
    OutboundEmail.objects.filter(pk=row.pk).update(
        lease_until=NOW + lease(), lease_token=uuid.uuid4()
    )
    assert services.email_send(email_id=row.pk, now=NOW).sent == 0
    assert mail.outbox == []
    # A worker that died leaves the lease to run out; then the email is sent.
    assert services.email_send(email_id=row.pk, now=NOW + lease() + timedelta(seconds=1)).sent == 1
    assert len(mail.outbox) == 1


def test_every_attempt_carries_the_rows_own_message_id(settings):
    settings.SITE_URL = "https://learn.example.org"
    row = OutboundEmail.objects.create(to="a@example.org", subject="S", body_text="T")
    other = OutboundEmail.objects.create(to="a@example.org", subject="S", body_text="T")
    assert row.message_id.endswith("@learn.example.org>")
    assert row.message_id != other.message_id
    services.email_send(email_id=row.pk, now=NOW)
    sent = mail.outbox[0].message()
    assert sent["Message-ID"] == row.message_id
    # Read back from the database later (a retry in another worker): the same id.
    assert OutboundEmail.objects.get(pk=row.pk).message_id == row.message_id


def test_broker_down_keeps_the_row_and_the_sweep_sends_it(on_commit, monkeypatch):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("Redis is down")

    monkeypatch.setattr(tasks.send_email, "delay", broker_down)
    row = _record(on_commit)  # no exception reaches the caller
    assert OutboundEmail.objects.get(pk=row.pk).status == "pending"
    assert mail.outbox == []
    monkeypatch.undo()
    assert (
        services.emails_owed(now=timezone.now()) == []
    )  # too fresh: its enqueue may be on the way
    with time_machine.travel(timezone.now() + lease() + timedelta(seconds=1)):
        assert tasks.sweep_unsent.delay().get() == 1
    assert OutboundEmail.objects.get(pk=row.pk).status == "sent"
    assert len(mail.outbox) == 1


class FailingBackend(locmem.EmailBackend):
    error: Exception = OSError("not set")

    def send_messages(self, messages):
        raise self.error


@pytest.fixture
def failing(settings):
    settings.EMAIL_BACKEND = "tests.outbox.test_outbox.FailingBackend"

    def fail_with(error: Exception) -> None:
        FailingBackend.error = error

    return fail_with


def test_temporary_smtp_failure_is_retried_then_recorded(failing):
    failing(smtplib.SMTPServerDisconnected("gone"))
    row = OutboundEmail.objects.create(to="a@example.org", subject="S", body_text="T")
    with pytest.raises(TemporaryMailFailure):
        services.email_send(email_id=row.pk, now=NOW)
    row.refresh_from_db()
    assert row.status == "pending" and row.attempts == 1 and row.lease_until is None
    assert "gone" in row.last_error


def test_permanent_failure_is_recorded_and_not_retried(failing):
    failing(smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"No such user")}))
    row = OutboundEmail.objects.create(to="a@example.org", subject="S", body_text="T")
    assert services.email_send(email_id=row.pk, now=NOW).failed == 1
    row.refresh_from_db()
    assert row.status == "failed" and "refused" in row.last_error
    assert services.emails_owed(now=NOW + timedelta(days=1)) == []


def test_greylisting_is_retried_not_treated_as_a_bounce(failing):
    failing(smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"Greylisted, try later")}))
    row = OutboundEmail.objects.create(to="a@example.org", subject="S", body_text="T")
    assert services.email_send(email_id=row.pk, now=NOW).deferred == 1
    row.refresh_from_db()
    assert row.status == "pending" and row.lease_until is None and "Greylisted" in row.last_error
    soon = row.created_at + lease() + timedelta(seconds=1)
    assert services.emails_owed(now=soon) == [row.pk]


def test_a_long_mail_server_outage_delays_mail_but_a_day_of_failures_gives_up(failing):
    failing(OSError("timed out"))
    row = OutboundEmail.objects.create(to="a@example.org", subject="S", body_text="T")
    # Many failed tries within the day: still owed, nothing given up.
    for minutes in range(0, 23 * 60, 60):
        at = row.created_at + timedelta(minutes=minutes)
        with time_machine.travel(at, tick=False), pytest.raises(TemporaryMailFailure):
            services.email_send(email_id=row.pk, now=at)
    row.refresh_from_db()
    assert row.status == "pending" and row.attempts == 23
    # A day after it was written, it is recorded as failed instead of tried again.
    later = row.created_at + timedelta(days=1, minutes=1)
    with time_machine.travel(later, tick=False):
        services.email_send(email_id=row.pk, now=later)
    row.refresh_from_db()
    assert row.status == "failed" and "given up" in row.last_error
    assert services.emails_owed(now=later + timedelta(days=1)) == []
