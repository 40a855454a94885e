"""Sending a batch of recorded emails exactly once: the part reminders and newsletter
issues share.

Each row (a reminder, a newsletter delivery) is written before anything is sent, with a
unique constraint that makes a second row impossible. To send, a worker takes a lease on
the rows still owed (a conditional UPDATE: rows another worker holds are left out), sends
them over one SMTP connection, and marks each one sent as soon as the server accepts it.
A worker that dies leaves its leases to run out; the next run hands the rows out again.
"""

import smtplib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.mail import EmailMessage, get_connection
from django.db import models
from django.db.models import F, Q


class LeasedSend(models.Model):
    """The columns a row needs to be sent exactly once by whichever worker holds it."""

    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.UUIDField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def status(self) -> str:
        if self.sent_at:
            return "sent"
        if self.failed_at:
            return "failed"
        return "pending"


# A message the mail server keeps turning away for a reason it calls temporary (it is
# down, it greylists, the mailbox is full) is tried again until it is this old; then it
# is recorded as failed instead of being retried for ever.
GIVE_UP_AFTER = timedelta(days=1)


class TemporaryMailFailure(Exception):
    """The mail server could not be reached or said "try later"; retry the batch."""


def refusal_is_permanent(exc: smtplib.SMTPRecipientsRefused) -> bool:
    """Refused with 5xx: the address does not exist or will never take our mail. A 4xx
    refusal (greylisting, a full mailbox) means "try again later", not a bounce."""
    codes = [code for code, _ in exc.recipients.values()]
    return bool(codes) and all(500 <= code < 600 for code in codes)


def too_old_to_retry(created_at: datetime, now: datetime) -> bool:
    return created_at < now - GIVE_UP_AFTER


@dataclass
class BatchReport:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    deferred: int = 0  # refused for now (4xx): handed out again by the next run


def owed_ids(model, *, now: datetime, lease: timedelta, batch: int, **filters) -> list[list[int]]:
    """Rows never sent whose lease ran out (a dead worker), or that were never handed to
    a worker (the broker was down), in batches."""
    ids = list(
        model.objects.filter(sent_at__isnull=True, failed_at__isnull=True, **filters)
        .filter(Q(lease_until__lt=now) | Q(lease_until__isnull=True, created_at__lt=now - lease))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [ids[i : i + batch] for i in range(0, len(ids), batch)]


def send_batch(
    model,
    ids: list[int],
    *,
    now: datetime,
    lease: timedelta,
    related: tuple[str, ...],
    message_for: Callable[[LeasedSend], EmailMessage | str],
    on_refused: Callable[[LeasedSend], None] = lambda row: None,
) -> BatchReport:
    """Send the rows with these ids that are still owed and free, over one connection.

    `message_for(row)` returns the message, or a reason (str) to record instead of
    sending. `on_refused(row)` is told when the server refuses the address for good.
    Raises TemporaryMailFailure (after giving the unsent rows back) when the server is
    down or answers 4xx, so the caller's task can retry with backoff. A row still unsent
    a day after it was written is recorded as failed.
    """
    token = uuid.uuid4()
    # Another worker holding a row (a duplicated or retried task) keeps it: only free
    # rows are leased to us.
    model.objects.filter(pk__in=ids, sent_at__isnull=True, failed_at__isnull=True).filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    ).update(lease_until=now + lease, lease_token=token, attempts=F("attempts") + 1)
    rows = list(model.objects.filter(lease_token=token).select_related(*related).order_by("pk"))
    report = BatchReport()
    if not rows:
        return report
    connection = get_connection()
    try:
        connection.open()
        for row in rows:
            message = (
                "Not accepted by the mail server within a day; given up."
                if too_old_to_retry(row.created_at, now)
                else message_for(row)
            )
            if isinstance(message, str):
                _finish(model, row, failed=now, error=message)
                report.skipped += 1
                continue
            message.connection = connection
            try:
                message.send()
            except smtplib.SMTPRecipientsRefused as exc:
                if not refusal_is_permanent(exc):
                    # Greylisted or a full mailbox: this row waits for the next run; the
                    # rest of the batch goes on.
                    model.objects.filter(pk=row.pk).update(
                        lease_until=None, last_error=f"Deferred: {exc.recipients}"
                    )
                    report.deferred += 1
                    continue
                _finish(model, row, failed=now, error=f"Address refused: {exc.recipients}")
                on_refused(row)
                report.failed += 1
                continue
            except smtplib.SMTPResponseException as exc:
                if 500 <= exc.smtp_code < 600:
                    _finish(model, row, failed=now, error=f"{exc.smtp_code} {exc.smtp_error!r}")
                    report.failed += 1
                    continue
                raise  # 4xx: the rest of the batch is tried again later
            # The one window that cannot be closed: the mail server has accepted the
            # message and this UPDATE has not committed yet. A worker killed exactly here
            # leaves the row unsent, and it goes out again when the lease runs out. The
            # window is one round trip to the database (about a millisecond); anything
            # before the server's "250" is safe to repeat.
            model.objects.filter(pk=row.pk).update(sent_at=now, lease_until=None, last_error="")
            report.sent += 1
    except (smtplib.SMTPException, OSError) as exc:
        # Give the unsent rows back at once so that the retry can take them.
        model.objects.filter(
            lease_token=token, sent_at__isnull=True, failed_at__isnull=True
        ).update(lease_until=None, last_error=repr(exc))
        raise TemporaryMailFailure(repr(exc)) from exc
    finally:
        connection.close()
    return report


def _finish(model, row, *, failed: datetime, error: str) -> None:
    model.objects.filter(pk=row.pk).update(failed_at=failed, last_error=error, lease_until=None)
