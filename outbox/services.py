"""Transactional email: record it, send it after commit, and catch up what was missed."""

import logging
import smtplib
from datetime import datetime, timedelta

from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q

from .batch import refusal_is_permanent, too_old_to_retry
from .models import OutboundEmail

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
# The task's own retries, with backoff (30 s to 16 min); after them the sweep keeps
# trying every few minutes until the email is a day old (outbox.batch.GIVE_UP_AFTER).
TASK_RETRIES = 6
# The sweep leaves fresh rows to the on-commit enqueue that is already on its way.
SWEEP_GRACE = timedelta(minutes=2)


def enqueue_after_commit(task, *args) -> None:
    """Queue a Celery task once the current transaction commits.

    A broker failure is logged and swallowed: the state it acts on is already in the
    database, and each kind of work has a periodic sweep that enqueues it again.
    """

    def _send() -> None:
        try:
            task.delay(*args)
        except Exception:  # kombu raises several types; all mean "not queued now"
            log.warning(
                "Could not queue %s%r; the sweep will retry", task.name, args, exc_info=True
            )

    transaction.on_commit(_send)


def email_record(message: EmailMessage) -> list[OutboundEmail]:
    """Store a rendered message (one row per recipient) and queue its sending."""
    from .tasks import send_email

    html = ""
    if isinstance(message, EmailMultiAlternatives):
        html = next((body for body, mime in message.alternatives if mime == "text/html"), "")
    name = kind = ""
    content = b""
    if message.attachments:  # one attachment is all we send (a certificate)
        name, content, kind = message.attachments[0]
        content = content if isinstance(content, bytes) else content.encode()
    rows = OutboundEmail.objects.bulk_create(
        OutboundEmail(
            to=to,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
            attachment_name=name,
            attachment_type=kind,
            attachment=content,
        )
        for to in message.to
    )
    for row in rows:
        enqueue_after_commit(send_email, row.pk)
    return rows


def email_claim(*, email_id: int, now: datetime) -> OutboundEmail | None:
    """Take the lease on an unsent email; None if it is sent, failed or held elsewhere."""
    claimed = OutboundEmail.objects.filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now),
        pk=email_id,
        sent_at__isnull=True,
        failed_at__isnull=True,
    ).update(lease_until=now + LEASE)
    if claimed != 1:
        # Sent already, given up on, or another worker holds the lease: nothing to do.
        return None
    return OutboundEmail.objects.get(pk=email_id)


class PermanentFailure(Exception):
    pass


def email_deliver(*, email: OutboundEmail, now: datetime, connection=None) -> None:
    """Send a claimed email and mark it sent.

    The one window that cannot be closed lies between the mail server accepting the
    message and the UPDATE below: if the worker dies exactly there, the lease expires
    and the email is sent a second time. It lasts one round trip to the database.
    """
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        to=[email.to],
        connection=connection or get_connection(),
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    if email.attachment_name:
        message.attach(email.attachment_name, bytes(email.attachment), email.attachment_type)
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        if refusal_is_permanent(exc):
            _mark_failed(email, now, f"Recipient refused: {exc.recipients}")
            raise PermanentFailure(str(exc)) from exc
        _temporary_failure(email, now, exc)
        raise
    except (smtplib.SMTPException, OSError) as exc:
        if isinstance(exc, smtplib.SMTPResponseException) and 500 <= exc.smtp_code < 600:
            _mark_failed(email, now, repr(exc))
            raise PermanentFailure(repr(exc)) from exc
        _temporary_failure(email, now, exc)
        raise
    OutboundEmail.objects.filter(pk=email.pk).update(
        sent_at=now, attempts=email.attempts + 1, lease_until=None, last_error=""
    )


def _temporary_failure(email: OutboundEmail, now: datetime, exc: Exception) -> None:
    """The server is down, or said "try later": the row waits for the retry (or the
    sweep), unless it has waited a day already; then it is recorded as failed."""
    if too_old_to_retry(email.created_at, now):
        _mark_failed(email, now, f"Not accepted within a day; given up. Last error: {exc!r}")
        raise PermanentFailure(repr(exc)) from exc
    OutboundEmail.objects.filter(pk=email.pk).update(
        attempts=email.attempts + 1, last_error=repr(exc), lease_until=None
    )


def _mark_failed(email: OutboundEmail, now: datetime, error: str) -> None:
    OutboundEmail.objects.filter(pk=email.pk).update(
        failed_at=now, attempts=email.attempts + 1, last_error=error, lease_until=None
    )


def emails_owed(*, now: datetime, limit: int = 1000) -> list[int]:
    """Ids of emails that should have gone and have not: the sweep re-enqueues them."""
    return list(
        OutboundEmail.objects.filter(
            Q(lease_until__isnull=True) | Q(lease_until__lt=now),
            sent_at__isnull=True,
            failed_at__isnull=True,
            created_at__lt=now - SWEEP_GRACE,
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
