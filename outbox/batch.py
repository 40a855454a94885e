"""The one sending protocol for every email the platform sends: transactional mail (the
outbox), review reminders and newsletter deliveries.

The contract (the README says the same):

- Every email is a row, written before anything is sent, with a unique constraint where
  a second row would be a second email (one reminder per learner and local day, one
  delivery per issue and subscriber).
- Every row carries a Message-ID derived from the row itself, the same on every attempt,
  so a mail server or client that sees a replay drops it.
- A worker leases the rows of its batch with a token of its own, then claims each row
  again just before sending it, matching its token (`WHERE lease_token = mine`): a row
  whose lease ran out and that another worker took over is skipped, never sent by both.
  It marks a row sent only `WHERE lease_token = mine`. A live worker renews its leases as
  it goes; a dead one's run out after `EMAIL_LEASE_SECONDS`, and the next beat run hands
  the rows out again.
- Reminders are sent **at most once**: a reminder is marked "sending" before its message
  goes to the mail server; a worker that dies after that point leaves a row that is
  never sent again blindly, but recorded as *interrupted* (that day's reminder is lost,
  and the record says so).
- Transactional email and newsletter issues are sent **at least once**: a worker that
  dies between the server's "250" and the row being marked leaves the row to be sent
  again, with the same Message-ID.
"""

import logging
import smtplib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import models
from django.db.models import F, Q, QuerySet
from django.utils import timezone

log = logging.getLogger(__name__)

INTERRUPTED = (
    "The worker stopped while handing this email to the mail server. It is not sent "
    "again, so that nobody gets it twice."
)


class LeasedSend(models.Model):
    """The columns a row needs to be sent by whichever worker holds it."""

    # At most once (reminders) or at least once with a stable Message-ID (the rest).
    AT_MOST_ONCE = False

    # Each concrete model has its own (the moment the row was written).
    created_at: datetime

    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.UUIDField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sending_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a worker began handing it to the mail server (emails sent at most "
        "once only).",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    interrupted = models.BooleanField(
        default=False, help_text="The worker stopped while sending it; not sent again."
    )
    last_error = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def status(self) -> str:
        if self.sent_at:
            return "sent"
        if self.interrupted:
            return "interrupted"
        if self.failed_at:
            return "failed"
        return "pending"

    @property
    def message_id(self) -> str:
        """The same on every attempt: derived from the row (its table, id and the moment
        it was written), never from the attempt."""
        written = self.created_at.strftime("%Y%m%d%H%M%S%f")
        label = self._meta.label_lower
        return f"<{label}.{self.pk}.{written}@{message_id_domain()}>"


def message_id_domain() -> str:
    return urlparse(settings.SITE_URL).hostname or "localhost"


def lease() -> timedelta:
    return timedelta(seconds=settings.EMAIL_LEASE_SECONDS)


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
    skipped: int = 0  # recorded as not to be sent (unsubscribed, the day ended, ...)
    failed: int = 0
    deferred: int = 0  # refused for now (4xx): handed out again by the next run
    taken_over: int = 0  # our lease ran out and another worker took the row


_Row = TypeVar("_Row", bound=LeasedSend)


def _unsent(model: type[_Row]) -> QuerySet[_Row]:
    return model._default_manager.filter(sent_at__isnull=True, failed_at__isnull=True)


def interrupted_close(model: type[LeasedSend], *, now: datetime) -> int:
    """At-most-once rows a dead worker left while sending: recorded as interrupted, not
    sent again. (One UPDATE; the partial index on unsent rows serves it.)"""
    if not model.AT_MOST_ONCE:
        return 0
    closed = (
        _unsent(model)
        .filter(sending_since__isnull=False, lease_until__lt=now)
        .update(failed_at=now, interrupted=True, lease_until=None, last_error=INTERRUPTED)
    )
    if closed:
        log.warning("%d %s row(s) interrupted while sending; not resent", closed, model.__name__)
    return closed


def owed_ids(
    model: type[LeasedSend], *, now: datetime, batch: int, grace: timedelta | None = None
) -> list[list[int]]:
    """Rows never sent whose lease ran out (a dead worker), or that were never handed to
    a worker (the broker was down) and are older than `grace`, in batches. At-most-once
    rows a worker died sending are closed as interrupted first."""
    grace = lease() if grace is None else grace
    interrupted_close(model, now=now)
    ids = list(
        _unsent(model)
        .filter(sending_since__isnull=True)
        .filter(Q(lease_until__lt=now) | Q(lease_until__isnull=True, created_at__lt=now - grace))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [ids[i : i + batch] for i in range(0, len(ids), batch)]


class _Leases(Generic[_Row]):
    """This worker's leases on the rows of one batch, renewed while it is working."""

    def __init__(self, model: type[_Row], token: uuid.UUID) -> None:
        self.model, self.token = model, token
        self.renewed = time.monotonic()

    def mine(self) -> QuerySet[_Row]:
        return _unsent(self.model).filter(lease_token=self.token)

    def renew_if_due(self) -> None:
        # Renewed when a third of the lease has passed, so a live worker never loses
        # rows to the sweep however long its batch runs; one UPDATE for the whole batch.
        if time.monotonic() - self.renewed > lease().total_seconds() / 3:
            self.mine().update(lease_until=timezone.now() + lease())
            self.renewed = time.monotonic()

    def claim(self, row: _Row) -> bool:
        """Claim one row just before sending it: true only if the lease is still ours.
        An at-most-once row is marked "sending" in the same UPDATE."""
        now = timezone.now()
        changes: dict[str, Any] = {"lease_until": now + lease(), "attempts": F("attempts") + 1}
        if self.model.AT_MOST_ONCE:
            changes["sending_since"] = now
        return self.mine().filter(pk=row.pk).update(**changes) == 1

    def release(self, row: _Row, error: str) -> None:
        """Not accepted by the server: the row waits for the next run."""
        self.mine().filter(pk=row.pk).update(lease_until=None, sending_since=None, last_error=error)

    def finish(self, row: _Row, *, error: str = "", interrupted: bool = False) -> None:
        self.mine().filter(pk=row.pk).update(
            failed_at=timezone.now(), interrupted=interrupted, lease_until=None, last_error=error
        )

    def mark_sent(self, row: _Row) -> bool:
        return (
            self.mine()
            .filter(pk=row.pk)
            .update(sent_at=timezone.now(), lease_until=None, last_error="")
            == 1
        )


def send_batch(
    model: type[_Row],
    ids: list[int],
    *,
    now: datetime,
    related: tuple[str, ...] = (),
    message_for: Callable[[_Row], EmailMessage | str],
    on_refused: Callable[[_Row], None] = lambda row: None,
) -> BatchReport:
    """Send the rows with these ids that are still owed and free, over one connection.

    `message_for(row)` returns the message, or a reason (str) to record instead of
    sending. `on_refused(row)` is told when the server refuses the address for good.
    Raises TemporaryMailFailure (after giving the unsent rows back) when the server is
    down or answers 4xx, so the caller's task can retry with backoff. A row still unsent
    a day after it was written is recorded as failed.
    """
    token = uuid.uuid4()
    leases = _Leases(model, token)
    # Another worker holding a row (a duplicated or retried task) keeps it: only free
    # rows are leased to us. An at-most-once row someone began sending is never free.
    free = (
        _unsent(model)
        .filter(pk__in=ids)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
    )
    if model.AT_MOST_ONCE:
        free = free.filter(sending_since__isnull=True)
    free.update(lease_until=now + lease(), lease_token=token)
    rows = list(leases.mine().select_related(*related).order_by("pk"))
    report = BatchReport()
    if not rows:
        return report
    connection = get_connection()
    row = None
    try:
        connection.open()
        for row in rows:
            leases.renew_if_due()
            message = (
                "Not accepted by the mail server within a day; given up."
                if too_old_to_retry(row.created_at, now)
                else message_for(row)
            )
            if isinstance(message, str):
                leases.finish(row, error=message)
                report.skipped += 1
                continue
            if not leases.claim(row):
                # Our lease ran out (this worker stalled) and another worker took the
                # row over: it is theirs to send now.
                report.taken_over += 1
                continue
            message.connection = connection
            message.extra_headers["Message-ID"] = row.message_id
            try:
                message.send()
            except smtplib.SMTPRecipientsRefused as exc:
                if not refusal_is_permanent(exc):
                    # Greylisted or a full mailbox: this row waits for the next run; the
                    # rest of the batch goes on.
                    leases.release(row, f"Deferred: {exc.recipients}")
                    report.deferred += 1
                    continue
                leases.finish(row, error=f"Address refused: {exc.recipients}")
                on_refused(row)
                report.failed += 1
                continue
            except smtplib.SMTPResponseException as exc:
                if 500 <= exc.smtp_code < 600:
                    leases.finish(row, error=f"{exc.smtp_code} {exc.smtp_error!r}")
                    report.failed += 1
                    continue
                raise  # 4xx: the rest of the batch is tried again later
            # The server has said "250". A worker killed before this UPDATE commits
            # leaves an at-least-once row to be sent again (same Message-ID) and an
            # at-most-once row to be recorded as interrupted.
            if leases.mark_sent(row):
                report.sent += 1
            else:
                log.warning("%s %s: sent after our lease was taken over", model.__name__, row.pk)
                report.taken_over += 1
        row = None
    except (smtplib.SMTPException, OSError) as exc:
        if (
            row is not None
            and model.AT_MOST_ONCE
            and not isinstance(exc, smtplib.SMTPResponseException)
        ):
            # The connection broke while this row was being handed over: the server may
            # have it. Sent at most once means it is not tried again.
            leases.finish(row, error=f"{INTERRUPTED} ({exc!r})", interrupted=True)
        # Give the unsent rows back at once so that the retry can take them. A reply
        # code (4xx) means the server did not take the message: it may be sent again.
        leases.mine().update(lease_until=None, sending_since=None, last_error=repr(exc))
        raise TemporaryMailFailure(repr(exc)) from exc
    finally:
        connection.close()
    return report
