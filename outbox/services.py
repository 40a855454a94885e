"""Transactional email: record it, send it after commit, and catch up what was missed."""

import logging
from datetime import datetime

from celery import Task
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction

from . import emails, tasks  # tasks call back into this module; both bind at call time
from .batch import BatchReport, owed_ids, send_batch
from .models import OutboundEmail

log = logging.getLogger(__name__)


def enqueue_after_commit(task: Task, *args: object) -> None:
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
    html = ""
    if isinstance(message, EmailMultiAlternatives):
        html = next((str(body) for body, mime in message.alternatives if mime == "text/html"), "")
    name = kind = ""
    content = b""
    if message.attachments:  # one attachment is all we send (a certificate)
        name, content, kind = message.attachments[0]
        content = content if isinstance(content, bytes) else content.encode()
    rows = OutboundEmail.objects.bulk_create(
        OutboundEmail(
            to=to,
            subject=str(message.subject),
            body_text=str(message.body),
            body_html=html,
            attachment_name=name,
            attachment_type=kind,
            attachment=content,
        )
        for to in message.to
    )
    for row in rows:
        enqueue_after_commit(tasks.send_email, row.pk)
    return rows


def outbound_message(email: OutboundEmail) -> EmailMultiAlternatives:
    """The recorded message again, as it was built (outbox.emails) before it was stored."""
    attachments = []
    if email.attachment_name:
        attachments.append((email.attachment_name, bytes(email.attachment), email.attachment_type))
    return emails.assemble(
        to=email.to,
        subject=email.subject,
        text=email.body_text,
        html=email.body_html,
        attachments=attachments,
    )


def email_send(*, email_id: int, now: datetime) -> BatchReport:
    """Send one recorded email by the protocol every email follows (outbox.batch): at
    least once, with the row's own Message-ID. Raises TemporaryMailFailure when the
    server is down or says "later", for the task to retry with backoff."""
    return send_batch(OutboundEmail, [email_id], now=now, message_for=outbound_message)


def emails_owed(*, now: datetime, limit: int = 1000) -> list[int]:
    """Ids of emails that should have gone and have not: the sweep re-enqueues them.
    Rows younger than a lease are left to the on-commit enqueue already on its way."""
    owed = owed_ids(OutboundEmail, now=now, batch=limit)
    return owed[0] if owed else []
