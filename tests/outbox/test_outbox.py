import smtplib
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from outbox import services, tasks
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
    assert tasks.send_email.delay(row.pk).get() is False
    assert len(mail.outbox) == 1


def test_a_claimed_email_is_not_sent_by_a_second_worker():
    row = OutboundEmail.objects.create(to="a@example.org", subject="S", body_text="T")
    assert services.email_claim(email_id=row.pk, now=NOW) is not None
    assert services.email_claim(email_id=row.pk, now=NOW) is None
    # A worker that died leaves the lease to expire; then the email can be claimed again.
    assert services.email_claim(email_id=row.pk, now=NOW + services.LEASE + timedelta(seconds=1))


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
    with time_machine.travel(timezone.now() + services.SWEEP_GRACE + timedelta(seconds=1)):
        assert tasks.sweep_unsent.delay().get() == 1
    assert OutboundEmail.objects.get(pk=row.pk).status == "sent"
    assert len(mail.outbox) == 1


def _failing_backend(exc):
    class Backend:
        def __init__(self, *args, **kwargs):
            pass

        def send_messages(self, messages):
            raise exc

    return Backend


def test_temporary_smtp_failure_is_retried_then_recorded(monkeypatch):
    row = OutboundEmail.objects.create(to="a@example.org", subject="S", body_text="T")
    email = services.email_claim(email_id=row.pk, now=NOW)
    connection = _failing_backend(smtplib.SMTPServerDisconnected("gone"))()
    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.email_deliver(email=email, now=NOW, connection=connection)
    row.refresh_from_db()
    assert row.status == "pending" and row.attempts == 1 and row.lease_until is None
    assert "gone" in row.last_error


def test_permanent_failure_is_recorded_and_not_retried():
    row = OutboundEmail.objects.create(to="a@example.org", subject="S", body_text="T")
    email = services.email_claim(email_id=row.pk, now=NOW)
    refused = smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"No such user")})
    with pytest.raises(services.PermanentFailure):
        services.email_deliver(email=email, now=NOW, connection=_failing_backend(refused)())
    row.refresh_from_db()
    assert row.status == "failed" and "Recipient refused" in row.last_error
    assert services.emails_owed(now=NOW + timedelta(days=1)) == []


def test_greylisting_is_retried_not_treated_as_a_bounce():
    row = OutboundEmail.objects.create(to="a@example.org", subject="S", body_text="T")
    email = services.email_claim(email_id=row.pk, now=NOW)
    greylisted = smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"Greylisted, try later")})
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        services.email_deliver(email=email, now=NOW, connection=_failing_backend(greylisted)())
    row.refresh_from_db()
    assert row.status == "pending" and row.lease_until is None and "Greylisted" in row.last_error
    soon = row.created_at + services.SWEEP_GRACE + timedelta(seconds=1)
    assert services.emails_owed(now=soon) == [row.pk]


def test_a_long_mail_server_outage_delays_mail_but_a_day_of_failures_gives_up():
    row = OutboundEmail.objects.create(to="a@example.org", subject="S", body_text="T")
    down = _failing_backend(OSError("timed out"))
    # Many failed tries within the day: still owed, nothing given up.
    for minutes in range(0, 23 * 60, 60):
        at = row.created_at + timedelta(minutes=minutes)
        email = services.email_claim(email_id=row.pk, now=at)
        with pytest.raises(OSError):
            services.email_deliver(email=email, now=at, connection=down())
    row.refresh_from_db()
    assert row.status == "pending" and row.attempts == 23
    # A day after it was written, the next failure records it as failed.
    later = row.created_at + timedelta(days=1, minutes=1)
    email = services.email_claim(email_id=row.pk, now=later)
    with pytest.raises(services.PermanentFailure):
        services.email_deliver(email=email, now=later, connection=down())
    row.refresh_from_db()
    assert row.status == "failed" and "given up" in row.last_error
    assert services.emails_owed(now=later + timedelta(days=1)) == []
