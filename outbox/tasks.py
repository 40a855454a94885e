from dataclasses import asdict

from celery import Task, shared_task
from django.utils import timezone

from . import services
from .batch import TemporaryMailFailure

# The task's own retries, with backoff (30 s to 16 min); after them the sweep keeps
# trying every minute until the email is a day old (outbox.batch.GIVE_UP_AFTER).
TASK_RETRIES = 6


@shared_task(bind=True, max_retries=TASK_RETRIES, acks_late=True)
def send_email(self: Task, email_id: int) -> dict[str, int]:
    try:
        report = services.email_send(email_id=email_id, now=timezone.now())
    except TemporaryMailFailure as exc:
        # Back off: 30 s, 1 min, 2 min, ... up to 16 min; after that the sweep tries
        # every minute until the email is a day old.
        raise self.retry(exc=exc, countdown=30 * 2 ** min(self.request.retries, 5)) from exc
    return asdict(report)


@shared_task
def sweep_unsent() -> int:
    owed = services.emails_owed(now=timezone.now())
    for email_id in owed:
        send_email.delay(email_id)
    return len(owed)
