"""Newsletter: double opt-in sign-up, signed links, and sending issues exactly once."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from accounts.selectors import email_verified
from lib.errors import AppError
from lib.limits import allow
from lib.urls import absolute_url
from outbox import emails
from outbox.batch import BatchReport, owed_ids, send_batch
from outbox.services import email_record, enqueue_after_commit

from . import tasks  # tasks call back into this module; both bind at call time
from .models import CONSENT_TEXT, Delivery, Issue, Subscriber

log = logging.getLogger(__name__)

CONFIRM_SALT = "newsletter.confirm"
LINK_SALT = "newsletter.link"  # unsubscribe and preferences links: they do not expire
CONFIRM_DAYS = 7
RESEND_AFTER = timedelta(hours=1)  # at most one confirmation email per address per hour
ACTIVE = Subscriber.Status.ACTIVE
PENDING = Subscriber.Status.PENDING


def _ip_allowed(ip: str | None) -> bool:
    """At most NEWSLETTER_SIGNUPS_PER_IP sign-ups an hour from one address."""
    if not ip:
        return True
    return allow(
        "newsletter-signups", ip, limit=settings.NEWSLETTER_SIGNUPS_PER_IP, per_seconds=3600
    )


def subscribe(
    *,
    email: str,
    health_professional: bool,
    source: str = "form",
    ip: str | None = None,
    now: datetime | None = None,
) -> None:
    """Start (or restart) a double opt-in sign-up.

    Whatever happens (new, already active, throttled), the caller shows the same
    "check your inbox" answer, so the form reveals nothing about who is subscribed.
    """
    now = now or timezone.now()
    email = email.strip().lower()
    if not _ip_allowed(ip):
        log.info("Newsletter sign-up throttled for an IP address")
        return
    try:
        with transaction.atomic():
            subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
            if subscriber is None:
                subscriber = Subscriber.objects.create(
                    email=email,
                    is_health_professional=health_professional,
                    status=PENDING,
                    consent_text=CONSENT_TEXT,
                    consent_at=now,
                    source=source,
                    created_at=now,
                )
            elif subscriber.status == ACTIVE:
                return  # nothing to do, and nothing to tell
            elif (
                subscriber.status == PENDING
                and subscriber.confirmation_sent_at
                and subscriber.confirmation_sent_at > now - RESEND_AFTER
            ):
                return  # a confirmation went out within the hour
            else:
                subscriber.status = PENDING
                subscriber.is_health_professional = health_professional
                subscriber.consent_text, subscriber.consent_at = CONSENT_TEXT, now
                subscriber.created_at = now  # the seven days to confirm start again
            subscriber.confirmation_sent_at = now
            subscriber.save()
            # Recorded in the outbox in this transaction; sent after commit; swept up by
            # the outbox if the broker is down.
            email_record(confirmation_message(subscriber))
    except IntegrityError:
        return  # the same address signed up at the same moment: that one goes ahead


def subscribe_signed_in(
    *,
    user: User,
    health_professional: bool | None = None,
    source: str = "settings",
    now: datetime | None = None,
) -> Subscriber:
    """A signed-in learner subscribes their account's address in one click.

    Double opt-in stays honest: an address the learner has already proven they read
    (they followed allauth's confirmation link) is confirmed at once; any other gets the
    usual confirmation email and stays pending until its link is followed. The
    health-professional choice defaults to the learner's role.
    """
    now = now or timezone.now()
    email = user.email.strip().lower()
    if health_professional is None:
        health_professional = user.is_clinician
    if not email_verified(user):
        subscribe(email=email, health_professional=health_professional, source=source, now=now)
        return Subscriber.objects.get(email=email)
    subscription = {
        "status": ACTIVE,
        "is_health_professional": health_professional,
        "consent_text": CONSENT_TEXT,
        "consent_at": now,
        "confirmed_at": now,
        "source": source,
        "unsubscribed_at": None,
    }
    try:
        with transaction.atomic():
            subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
            if subscriber is None:
                return Subscriber.objects.create(email=email, created_at=now, **subscription)
            if subscriber.status != ACTIVE:  # pending, unsubscribed or bounced before
                for field, value in subscription.items():
                    setattr(subscriber, field, value)
                subscriber.save(update_fields=list(subscription))
            return subscriber  # already subscribed: the first consent stands
    except IntegrityError:
        # A second click at the same moment created the row first (neither could lock a
        # row that did not exist yet): that subscription stands.
        return Subscriber.objects.get(email=email)


class BadLink(AppError):
    """A signed link that was changed or cut short, or is too old to act on."""

    def __init__(self, reason: str):
        super().__init__(
            "This link has expired."
            if reason == "expired"
            else "This link is not complete or has been changed."
        )
        self.reason = reason  # "invalid" or "expired"


def confirm_token(subscriber: Subscriber) -> str:
    return signing.dumps({"s": subscriber.pk, "e": subscriber.email}, salt=CONFIRM_SALT)


def link_token(subscriber: Subscriber) -> str:
    return signing.dumps({"s": subscriber.pk, "e": subscriber.email}, salt=LINK_SALT)


def _load(token: str, salt: str, max_age: timedelta | None = None) -> Subscriber:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise BadLink("expired") from None
    except signing.BadSignature:
        raise BadLink("invalid") from None
    subscriber = Subscriber.objects.filter(pk=data.get("s"), email=data.get("e")).first()
    if subscriber is None:
        raise BadLink("invalid")
    return subscriber


def confirm_check(*, token: str) -> Subscriber:
    return _load(token, CONFIRM_SALT, max_age=timedelta(days=CONFIRM_DAYS))


def confirm(*, token: str, now: datetime | None = None) -> Subscriber:
    subscriber = _load(token, CONFIRM_SALT, max_age=timedelta(days=CONFIRM_DAYS))
    if subscriber.status != ACTIVE:
        subscriber.status, subscriber.confirmed_at = ACTIVE, now or timezone.now()
        subscriber.save(update_fields=["status", "confirmed_at"])
    return subscriber


def unsubscribe(*, token: str, now: datetime | None = None) -> Subscriber:
    subscriber = _load(token, LINK_SALT)
    Subscriber.objects.filter(pk=subscriber.pk).update(
        status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=now or timezone.now()
    )
    subscriber.refresh_from_db()
    return subscriber


def preferences(*, token: str) -> Subscriber:
    return _load(token, LINK_SALT)


def set_health_professional(*, token: str, value: bool) -> Subscriber:
    subscriber = _load(token, LINK_SALT)
    subscriber.is_health_professional = value
    subscriber.save(update_fields=["is_health_professional"])
    return subscriber


def expire_pending(*, now: datetime) -> int:
    """Sign-ups never confirmed within seven days are removed."""
    deleted, _ = Subscriber.objects.filter(
        status=PENDING, created_at__lt=now - timedelta(days=CONFIRM_DAYS)
    ).delete()
    return deleted


def confirmation_message(subscriber: Subscriber) -> EmailMultiAlternatives:
    context = {
        "confirm_url": absolute_url("newsletter:confirm", confirm_token(subscriber)),
        "days": CONFIRM_DAYS,
        "consent": subscriber.consent_text,
    }
    return emails.newsletter_confirm(subscriber.email, context)


# --- issues ------------------------------------------------------------------------------


def segment_q(segment: str) -> Q:
    if segment == Issue.Segment.HEALTH_PROFESSIONALS:
        return Q(is_health_professional=True)
    if segment == Issue.Segment.EVERYONE_ELSE:
        return Q(is_health_professional=False)
    return Q()


def issue_audience(issue: Issue) -> int:
    """How many active subscribers the issue's segment has now."""
    return Subscriber.objects.filter(segment_q(issue.segment), status=ACTIVE).count()


def issue_send(*, issue: Issue, by: User | None, now: datetime) -> None:
    """An editor asks for the issue to go to its segment. The request is written first
    and the work queued after commit; if the broker is down, beat's resume job starts
    it. Asking again reaches only subscribers who have not had it."""
    with transaction.atomic():
        Issue.objects.filter(pk=issue.pk, send_started_at__isnull=True).update(send_started_at=now)
        Issue.objects.filter(pk=issue.pk).update(send_requested_by=by, recipients_written_at=None)
        enqueue_after_commit(tasks.send_issue, issue.pk)


def issues_to_start() -> list[int]:
    """Issues an editor asked to send whose recipients were never written (the queue
    lost the request, or the worker died before writing them)."""
    return list(
        Issue.objects.filter(
            send_started_at__isnull=False, recipients_written_at__isnull=True
        ).values_list("pk", flat=True)
    )


def issue_start(*, issue: Issue, now: datetime, batch: int | None = None) -> list[list[int]]:
    """Write a delivery row for every active subscriber in the segment who has none yet
    (a re-sent issue adds only those), then return what is still to send, in batches.
    Set-based: one query to read a batch of subscribers, one to write their rows."""
    batch = batch or settings.NEWSLETTER_BATCH_SIZE
    if issue.send_started_at is None:
        Issue.objects.filter(pk=issue.pk, send_started_at__isnull=True).update(send_started_at=now)
    audience = (
        Subscriber.objects.filter(segment_q(issue.segment), status=ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    last = 0
    while ids := list(audience.filter(pk__gt=last)[:batch]):
        Delivery.objects.bulk_create(
            [Delivery(issue=issue, subscriber_id=pk, created_at=now) for pk in ids],
            ignore_conflicts=True,
        )
        last = ids[-1]
    Issue.objects.filter(pk=issue.pk).update(recipients_written_at=now)
    todo = list(
        Delivery.objects.filter(issue=issue, sent_at__isnull=True, failed_at__isnull=True)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [todo[i : i + batch] for i in range(0, len(todo), batch)]


def deliveries_owed(*, now: datetime) -> list[list[int]]:
    """Deliveries a dead worker left, or never handed out (the broker was down)."""
    return owed_ids(Delivery, now=now, batch=settings.NEWSLETTER_BATCH_SIZE)


def deliveries_send(*, ids: list[int], now: datetime) -> BatchReport:
    def message_for(delivery: Delivery) -> EmailMultiAlternatives | str:
        if delivery.subscriber.status != ACTIVE:
            return "Unsubscribed before it was sent."
        return issue_message(delivery.issue, delivery.subscriber)

    def on_refused(delivery: Delivery) -> None:
        Subscriber.objects.filter(pk=delivery.subscriber_id).update(
            status=Subscriber.Status.BOUNCED
        )

    return send_batch(
        Delivery,
        ids,
        now=now,
        related=("issue", "subscriber"),
        message_for=message_for,
        on_refused=on_refused,
    )


def issue_progress(issue: Issue) -> dict:
    counts = issue.deliveries.aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(sent_at__isnull=False)),
        failed=Count("pk", filter=Q(failed_at__isnull=False)),
    )
    counts["remaining"] = counts["total"] - counts["sent"] - counts["failed"]
    counts["percent"] = (
        round(100 * (counts["sent"] + counts["failed"]) / counts["total"]) if counts["total"] else 0
    )
    return counts


def issue_message(
    issue: Issue, subscriber: Subscriber | None, *, to: str | None = None, test: bool = False
) -> EmailMultiAlternatives:
    """The email for one subscriber, with its unsubscribe and preferences links. With no
    subscriber (the admin's preview, or an editor's test send) the links point to the
    newsletter page; only a test send (`test`) says it is one."""
    if subscriber is not None:
        token = link_token(subscriber)
        unsubscribe_url = absolute_url("newsletter:unsubscribe", token)
        preferences_url = absolute_url("newsletter:preferences", token)
    else:
        unsubscribe_url = preferences_url = absolute_url("newsletter:signup")
    context = {
        "issue": issue,
        "body_html": issue.body_html,
        "preferences_url": preferences_url,
        "test": test,
    }
    if not to:
        assert subscriber is not None, "an editor's test names its recipient"
        to = subscriber.email
    return emails.newsletter_issue(to, context, unsubscribe_url=unsubscribe_url)


def issue_send_test(*, issue: Issue, to: str) -> None:
    email_record(issue_message(issue, None, to=to, test=True))
