from dataclasses import asdict

from celery import Task, shared_task
from django.utils import timezone

from . import services


@shared_task
def send_due_reminders() -> int:
    """Beat runs this every few minutes: claim what is owed now, hand out again what a
    dead worker left, and give each batch to a worker."""
    now = timezone.now()
    batches = services.reminders_claim(now=now) + services.reminders_owed(now=now)
    for ids in batches:
        send_reminder_batch.delay(ids)
    return sum(len(b) for b in batches)


@shared_task(bind=True, max_retries=5, acks_late=True)
def send_reminder_batch(self: Task, ids: list[int]) -> dict[str, int]:
    try:
        report = services.reminders_send(ids=ids, now=timezone.now())
    except services.TemporaryMailFailure as exc:
        # Back off: 1, 2, 4, 8, 16 minutes. After that the rows wait for the next run's
        # catch-up (within the day), so a long outage does not retry forever.
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc
    return asdict(report)
