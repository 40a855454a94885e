"""Reads for the editors: what the review reminders achieve."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q

from lib.weeks import as_week, week_of, week_starts, window_start
from reviews.models import ReviewLog

from .models import Reminder

RETURN_WITHIN = timedelta(hours=24)


@dataclass(frozen=True)
class ReminderWeek:
    week: date  # the Monday (UTC) of the ISO week the reminders fell due in
    sent: int  # reminders handed to the mail server
    returned: int  # of those, the learner reviewed within RETURN_WITHIN of the sending
    turned_off: int  # of those, to learners whose reminders are off now
    failed: int  # reminders never sent: refused, given up on or interrupted

    @property
    def returned_percent(self) -> float | None:
        return 100 * self.returned / self.sent if self.sent else None


def reminder_outcomes(*, now: datetime, weeks: int = 12) -> list[ReminderWeek]:
    """Reminders per ISO week (by when each fell due), with how many brought the learner
    back within a day, went to learners who have since turned reminders off, and were
    never sent. One query, whatever the number of learners or reminders."""
    starts = week_starts(now=now, weeks=weeks)
    sent = Q(sent_at__isnull=False)
    # A review (outside a quiz) in the 24 hours after the reminder was sent.
    came_back = Exists(
        ReviewLog.objects.filter(
            user=OuterRef("user"),
            in_quiz=False,
            reviewed_at__gte=OuterRef("sent_at"),
            reviewed_at__lt=OuterRef("sent_at") + RETURN_WITHIN,
        )
    )
    rows = {
        as_week(row["week"]): row
        for row in Reminder.objects.filter(
            created_at__gte=window_start(starts), created_at__lte=now
        )
        .annotate(week=week_of("created_at"), came_back=came_back)
        .values("week")
        .annotate(
            sent=Count("pk", filter=sent),
            returned=Count("pk", filter=sent & Q(came_back=True)),
            turned_off=Count("pk", filter=sent & Q(user__reminders_enabled=False)),
            failed=Count("pk", filter=Q(failed_at__isnull=False)),
        )
        .order_by()
    }
    empty = {"sent": 0, "returned": 0, "turned_off": 0, "failed": 0}
    return [
        ReminderWeek(
            week=week,
            sent=(row := rows.get(week, empty))["sent"],
            returned=row["returned"],
            turned_off=row["turned_off"],
            failed=row["failed"],
        )
        for week in starts
    ]
