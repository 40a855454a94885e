from dataclasses import asdict

from celery import Task, shared_task
from django.utils import timezone

from outbox.batch import TemporaryMailFailure

from . import services
from .models import Issue


@shared_task
def send_issue(issue_id: int) -> int:
    issue = Issue.objects.filter(pk=issue_id).first()
    if issue is None:
        return 0  # deleted since it was queued
    batches = services.issue_start(issue=issue, now=timezone.now())
    for ids in batches:
        send_delivery_batch.delay(ids)
    return sum(len(b) for b in batches)


@shared_task(bind=True, max_retries=6, acks_late=True)
def send_delivery_batch(self: Task, ids: list[int]) -> dict[str, int]:
    try:
        report = services.deliveries_send(ids=ids, now=timezone.now())
    except TemporaryMailFailure as exc:
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc
    return asdict(report)


@shared_task
def resume_deliveries() -> int:
    """Beat: sends whose request the broker lost are started, and deliveries a dead
    worker left or the broker never took go out again."""
    now = timezone.now()
    batches = []
    for issue in Issue.objects.filter(pk__in=services.issues_to_start()):
        batches += services.issue_start(issue=issue, now=now)
    batches += services.deliveries_owed(now=now)
    for ids in batches:
        send_delivery_batch.delay(ids)
    return sum(len(b) for b in batches)


@shared_task
def expire_pending_subscribers() -> int:
    return services.expire_pending(now=timezone.now())
