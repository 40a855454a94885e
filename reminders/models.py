from django.conf import settings
from django.db import models
from django.db.models import Q

from outbox.batch import LeasedSend


class Reminder(LeasedSend):
    """One reminder email for one learner on one local day.

    The row is written (claimed) before anything is sent: the unique (learner, local
    date) constraint is what makes "at most one a day" true whatever runs twice. A row
    whose lease has run out before it was sent belongs to a worker that died; the next
    run of the job hands it out again, unless that worker had begun sending it: then it
    is recorded as interrupted and not sent again (at most once, see outbox.batch).
    """

    AT_MOST_ONCE = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    local_date = models.DateField(help_text="The learner's own date when it was due.")
    due_count = models.PositiveIntegerField()
    claim = models.UUIDField(help_text="The job run that created the row.")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "local_date"], name="one_reminder_per_local_day"
            )
        ]
        indexes = [
            models.Index(fields=["claim"], name="reminder_claim_idx"),
            # The catch-up: rows claimed but never sent.
            models.Index(
                fields=["lease_until"],
                name="reminder_unsent_idx",
                condition=Q(sent_at__isnull=True, failed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.local_date}"
