"""Review reminders: who is owed one now, claiming it, and sending it.

The job that beat runs every few minutes does two things, both from the database:
it claims today's reminder for every learner whose local hour has come and who has
reviews due (set-based, in batches), and it hands out again the claims that a dead
worker left unsent. Beat or Redis being down for hours therefore costs nothing that is
still owed today: the next run finds it.

A learner chooses how (`User.reminder_mode`): on the clock (at their hour, on days they
have reviews due) or by recall (only once a card they have learned has faded to their
desired retention: its `due`, which fsrs sets where predicted recall meets it). Both go
through the same gates (hour, quiet hours, weekdays, one row per local day, pause,
bounce, back-off); only the cards that trigger one, and the email, differ.
"""

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.lookups import Exact

from accounts.models import User
from lib.timezones import local_date, valid_zone, zone_or_utc
from lib.urls import absolute_url
from outbox import emails
from outbox.batch import BatchReport, TemporaryMailFailure, lease, owed_ids, send_batch
from quizzes.models import Choice
from quizzes.sources import source_name
from reviews.models import Card, ReviewLog, State
from reviews.selectors import in_queue, review_minutes, without_hidden

from .models import Reminder

__all__ = [
    "TemporaryMailFailure",
    "lease",
    "reminders_claim",
    "reminders_owed",
    "reminders_send",
]

log = logging.getLogger(__name__)

QUIET_FROM, QUIET_UNTIL = 22, 7  # no reminder from 22:00 to 07:00, local time
WEEKLY_AFTER = 3  # unanswered reminders in a row before going weekly
UNSUBSCRIBE_SALT = "reminders.unsubscribe"


def in_quiet_hours(local: datetime) -> bool:
    return local.hour >= QUIET_FROM or local.hour < QUIET_UNTIL


def reminder_cards(now: datetime) -> QuerySet[Card]:
    """Every learner's reviews due now, the rule of the review pages
    (`reviews.selectors.due_reviews`): reviewed before, in the queue (not suspended, not
    buried for the day), in a module and lesson that are live, and due."""
    cards = Card.objects.filter(is_new__in=[False], due__lte=now)
    return in_queue(without_hidden(cards, now), now)


# By recall, only a card in review triggers a reminder: its `due` is where predicted
# recall meets the desired retention. A card in its (re)learning steps is due again
# within minutes by design, not because it is fading; it comes back with the session.
FADING = Q(state=State.REVIEW)
RECALL = Q(reminder_mode=User.ReminderMode.RECALL)


def due_cards(now: datetime) -> QuerySet[Card]:
    """Each learner's due reviews, as a subquery on the learner (OuterRef("pk"))."""
    return reminder_cards(now).filter(user=OuterRef("pk"))


def owed_trigger(now: datetime) -> Exists:
    """What makes a reminder owed, by mode: on the clock, any review due; by recall,
    the earliest card in review whose due has passed. One subquery on the learner, the
    mode inside it: two subqueries joined by OR are run learner by learner, which made
    claiming 10,000 reminders take twice as long."""
    on_the_clock: Exact[str] = Exact(OuterRef("reminder_mode"), User.ReminderMode.CLOCK.value)
    return Exists(due_cards(now).filter(Q(on_the_clock) | FADING))


def owed_now(now: datetime) -> QuerySet[User]:
    """Learners owed today's reminder now (one query).

    Per time zone in use: the local hour has reached their chosen hour, it is not quiet
    hours, today is one of their weekdays, and they have no reminder row for their
    local date yet. Then: reminders on, not paused, address not bounced, reviews due,
    and not in weekly back-off (three unanswered in a row) unless a week has passed or
    they have reviewed since.
    """
    zones = (
        User.objects.filter(reminders_enabled=True, is_active=True)
        .values_list("time_zone", flat=True)
        .distinct()
    )
    # Q & ~Exists(...) is typed as a Combinable; it is a condition all the same.
    per_zone: Q | Combinable = Q(pk__in=[])
    for name in zones:
        if not valid_zone(name):
            # Pages read a bad stored zone as UTC; a reminder sent on a guessed clock
            # could come in the night, so none goes until the learner sets their zone.
            log.warning("Unknown time zone %r on a learner; no reminders for them", name)
            continue
        local = now.astimezone(zone_or_utc(name))
        if in_quiet_hours(local):
            continue
        bit = 1 << local.weekday()
        per_zone |= Q(
            time_zone=name,
            reminder_hour__lte=local.hour,
            reminder_weekdays__in=[m for m in range(128) if m & bit],
        ) & ~Exists(Reminder.objects.filter(user=OuterRef("pk"), local_date=local.date()))
    returned = Exists(
        ReviewLog.objects.filter(user=OuterRef("pk"), reviewed_at__gte=OuterRef("last_reminded_at"))
    )
    return (
        User.objects.filter(
            per_zone,
            owed_trigger(now),
            reminders_enabled=True,
            is_active=True,
            email_bounced_at__isnull=True,
        )
        .filter(Q(reminders_paused_until__isnull=True) | Q(reminders_paused_until__lte=now))
        .filter(
            Q(reminders_unanswered__lt=WEEKLY_AFTER)
            | Q(last_reminded_at__lte=now - timedelta(days=7) + timedelta(hours=1))
            | returned
        )
    )


def reminders_claim(*, now: datetime, batch: int | None = None) -> list[list[int]]:
    """Write today's reminder row for everyone owed one, in batches; return the ids of
    the rows this run created, in batches for the workers.

    A learner whose row exists already (another run, a retry) is skipped by the unique
    constraint: `ignore_conflicts`, then only the rows carrying this run's claim id are
    ours. Three queries per batch of learners (who, how many due, the rows), and one to
    read back the claim; memory holds one batch at a time.
    """
    batch = batch or settings.REMINDER_BATCH_SIZE
    claim = uuid.uuid4()
    learners = owed_now(now).order_by("pk").values_list("pk", "time_zone", "max_reviews_per_day")
    last_pk = 0
    while True:
        rows = list(learners.filter(pk__gt=last_pk)[:batch])
        if not rows:
            break
        counts = due_counts([pk for pk, _, _ in rows], now)
        Reminder.objects.bulk_create(
            [
                Reminder(
                    user_id=pk,
                    local_date=local_date(now, tz),
                    # No more than the day's session will serve (the learner's cap).
                    due_count=min(counts.get(pk, 1), most),
                    claim=claim,
                    created_at=now,
                )
                for pk, tz, most in rows
            ],
            ignore_conflicts=True,
        )
        last_pk = rows[-1][0]
    ids = list(Reminder.objects.filter(claim=claim).order_by("pk").values_list("pk", flat=True))
    return [ids[i : i + batch] for i in range(0, len(ids), batch)]


def due_counts(user_ids: list[int], now: datetime) -> dict[int, int]:
    """Per learner, the cards their reminder is about: reviews due on the clock, faded
    learned cards by recall (one query)."""
    by_mode = Q(user__reminder_mode=User.ReminderMode.CLOCK) | FADING
    rows = (
        reminder_cards(now)
        .filter(by_mode, user__in=user_ids)
        .values("user")
        .annotate(n=Count("pk"))
        .values_list("user", "n")
    )
    return dict(rows)


@dataclass(frozen=True)
class Fading:
    """Cards faded to the learner's desired retention, on one topic: a case's source of
    pain (its correct option's), else the card's module."""

    topic: str
    count: int


def fading_by_topic(users: Iterable[int], now: datetime) -> dict[int, list[Fading]]:
    """Per learner, what is fading now, most cards first (one grouped query for them
    all: a few rows per learner, never one per card). A card whose due has passed is,
    by definition of its due, below the learner's desired retention."""
    source = Subquery(
        Choice.objects.filter(question=OuterRef("question"), is_correct=True, retired=False)
        .exclude(source="")
        .order_by("order", "pk")
        .values("source")[:1]
    )
    rows = (
        reminder_cards(now)
        .filter(FADING, user__in=users)
        .annotate(source=source)
        .values("user", "module__title", "source")
        .annotate(n=Count("pk"))
        .values_list("user", "module__title", "source", "n")
    )
    counts: dict[int, dict[str, int]] = {}
    for user_id, module, key, n in rows:
        topic = source_name(key) if key else module
        per_user = counts.setdefault(user_id, {})
        per_user[topic] = per_user.get(topic, 0) + n
    return {
        user_id: [
            Fading(topic, n) for topic, n in sorted(topics.items(), key=lambda t: (-t[1], t[0]))
        ]
        for user_id, topics in counts.items()
    }


def reminders_owed(*, now: datetime, batch: int | None = None) -> list[list[int]]:
    """Claims left unsent by a worker that died (lease run out), or never handed to one
    because the broker was down: hand them out again. A reminder a worker died while
    sending is recorded as interrupted instead: reminders go at most once. Two queries."""
    return owed_ids(Reminder, now=now, batch=batch or settings.REMINDER_BATCH_SIZE)


def reminders_send(*, ids: list[int], now: datetime) -> BatchReport:
    """Send the reminders with these ids that nobody else holds, over one connection.

    What is fading is read now, for the whole batch in one query, so that a recall
    email names the cards as they stand when it goes."""
    # The learners as a subquery (a queryset, not a list): one query in all.
    recall_learners = User.objects.filter(RECALL, reminders__pk__in=ids)
    fading = fading_by_topic(recall_learners.values_list("pk", flat=True), now)

    def message_for(reminder: Reminder) -> EmailMultiAlternatives | str:
        user = reminder.user
        local = now.astimezone(user.zone)
        if local.date() != reminder.local_date or in_quiet_hours(local):
            return "The local day or the allowed hours ended before it could be sent."
        if not user.reminders_enabled or user.email_bounced_at:
            return "Reminders turned off or address bounced."
        if user.reminder_mode == User.ReminderMode.RECALL:
            if reminder.user_id not in fading:
                return "Nothing was fading any more when it came to be sent."
            return reminder_message(reminder, fading=fading[reminder.user_id])
        return reminder_message(reminder)

    def on_refused(reminder: Reminder) -> None:
        User.objects.filter(pk=reminder.user_id).update(email_bounced_at=now)

    report = BatchReport()
    try:
        report = send_batch(
            Reminder,
            ids,
            now=now,
            related=("user",),
            message_for=message_for,
            on_refused=on_refused,
        )
    finally:
        _count_unanswered(
            list(
                Reminder.objects.filter(pk__in=ids, sent_at__gte=now).values_list(
                    "user_id", flat=True
                )
            ),
            now,
        )
    return report


def _count_unanswered(user_ids: list[int], now: datetime) -> None:
    """One more unanswered reminder in a row, or the first again if they reviewed
    since the last one (one query for the batch)."""
    if not user_ids:
        return
    returned = Exists(
        ReviewLog.objects.filter(user=OuterRef("pk"), reviewed_at__gte=OuterRef("last_reminded_at"))
    )
    User.objects.filter(pk__in=user_ids).update(
        reminders_unanswered=Case(
            When(Q(last_reminded_at__isnull=True) | returned, then=Value(1)),
            default=F("reminders_unanswered") + 1,
        ),
        last_reminded_at=now,
    )


PAUSE = timedelta(days=7)


def reminders_pause(*, user: User, now: datetime, resume: bool = False) -> datetime | None:
    """Pause reminders for a week (or end a pause). Returns when the pause ends."""
    user.reminders_paused_until = None if resume else now + PAUSE
    user.save(update_fields=["reminders_paused_until"])
    return user.reminders_paused_until


def unsubscribe_token(user: User) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def unsubscribe_user(token: str) -> User | None:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=pk).first()
    if user is not None:
        User.objects.filter(pk=pk).update(reminders_enabled=False)
    return user


TOPICS_SHOWN = 3  # the email names the topics with most cards fading; the rest in one line


def reminder_message(
    reminder: Reminder,
    *,
    fading: list[Fading] | None = None,
    connection: BaseEmailBackend | None = None,
) -> EmailMultiAlternatives:
    """The email: the clock's "N reviews due today", or, given what is fading (recall
    mode), "7 cards on the gluteal nerves are below 90% now"."""
    user, n = reminder.user, reminder.due_count
    context = {
        "user": user,
        "count": n,
        "minutes": review_minutes(n),
        "review_url": absolute_url("reviews:session"),
        "settings_url": absolute_url("me:review_settings"),
    }
    if fading:
        count = sum(f.count for f in fading)
        context |= {
            "count": count,
            "minutes": review_minutes(count),
            "fading": fading[:TOPICS_SHOWN],
            "fading_elsewhere": sum(f.count for f in fading[TOPICS_SHOWN:]),
            "retention": f"{user.desired_retention:.0%}",
        }
    unsubscribe = absolute_url("reminders:unsubscribe", unsubscribe_token(user))
    message = emails.reminder(user.email, context, unsubscribe_url=unsubscribe)
    message.connection = connection
    return message
