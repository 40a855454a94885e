"""The memory model's nightly fit (reviews.fitting): thin tasks around its services."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from course.models import Course

from . import fitting


@shared_task
def fit_memory_models() -> int:
    """Beat runs this nightly: fit each course cohort whose logs have grown, here and
    first (a cohort's rescheduling spares learners with a fit of their own, so those
    should be known before it), then hand the learners whose logs have grown to workers
    in batches. Learners not fitted tonight (a lost task, Redis down) are still owed a
    fit tomorrow: the selection, not the queue, knows who is due. Returns how many
    learners were handed out."""
    now = timezone.now()
    for course in Course.objects.filter(pk__in=fitting.courses_to_fit()):
        fitting.fit_cohort(course, now)
    learners = fitting.learners_to_fit()
    size = settings.MEMORY_FIT_BATCH_SIZE
    for start in range(0, len(learners), size):
        fit_learner_batch.delay(learners[start : start + size])
    return len(learners)


@shared_task(acks_late=True)
def fit_learner_batch(user_ids: list[int]) -> int:
    """Fit these learners (those whose logs have grown since: a repeat does nothing).
    Returns how many fits were kept."""
    return len(fitting.fit_learners(user_ids, timezone.now()))
