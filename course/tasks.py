from celery import shared_task
from django.utils import timezone

from . import revisions


@shared_task
def publish_due_revisions() -> int:
    """Publish the scheduled drafts whose time has come (the beat job, every minute)."""
    return revisions.publish_due_revisions(now=timezone.now())
