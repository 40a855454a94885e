"""Operations that change state. Pages and the API both call these."""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.types import AnyUser
from lib.errors import AppError, ErrorKind

from . import signals
from .access import LessonAccess, course_is_visible_to, lesson_access
from .models import Course, Enrollment, Lesson, LessonProgress, PublicationEvent, Publishable


def enrollment_create(
    *, user: AnyUser, course: Course, now: datetime | None = None
) -> tuple[Enrollment, bool]:
    """Enrol a learner in a course; enrolling twice is harmless. Returns (enrolment, created)."""
    if not user.is_authenticated:
        raise AppError("Sign in to enrol.", ErrorKind.SIGN_IN)
    if not course_is_visible_to(user, course, now):
        raise AppError("No such course.", ErrorKind.NOT_FOUND)
    try:
        with transaction.atomic():
            return Enrollment.objects.get_or_create(
                user=user, course=course, defaults={"created_at": now or timezone.now()}
            )
    except IntegrityError:
        # Two requests enrolled at the same moment; the other one's row stands.
        return Enrollment.objects.get(user=user, course=course), False


def _require_open(user: AnyUser, lesson: Lesson, now: datetime | None) -> None:
    access = lesson_access(user, lesson, now=now)
    if access is LessonAccess.HIDDEN:
        raise AppError("No such lesson.", ErrorKind.NOT_FOUND)
    if access is LessonAccess.LOCKED or not user.is_authenticated:
        raise AppError("Enrol in the course to track this lesson.", ErrorKind.NOT_ALLOWED)


def lesson_record_view(*, user: AnyUser, lesson: Lesson, now: datetime | None = None) -> None:
    """Remember that the learner opened this lesson ("continue where you left off")."""
    if not user.is_authenticated:
        return
    now = now or timezone.now()
    updated = LessonProgress.objects.filter(user=user, lesson=lesson).update(last_viewed_at=now)
    if not updated:
        try:
            with transaction.atomic():
                LessonProgress.objects.create(
                    user=user, lesson=lesson, course_id=lesson.course_id, last_viewed_at=now
                )
        except IntegrityError:
            pass  # a parallel request created the row; its time is as good as ours


def lesson_set_done(
    *, user: AnyUser, lesson: Lesson, done: bool = True, now: datetime | None = None
) -> LessonProgress:
    """Mark a lesson done (or not done again). The first completion time is kept."""
    _require_open(user, lesson, now)
    now = now or timezone.now()
    with transaction.atomic():
        progress, _ = LessonProgress.objects.select_for_update().get_or_create(
            user=user,
            lesson=lesson,
            defaults={"course_id": lesson.course_id, "last_viewed_at": now},
        )
        if done and progress.completed_at is None:
            progress.completed_at = now
            # The lesson's key points become review cards the first time it is done.
            signals.lesson_first_done.send(sender=Lesson, user=user, lesson=lesson, now=now)
        elif not done:
            progress.completed_at = None
        progress.save(update_fields=["completed_at"])
    if done:
        signals.lesson_done.send(sender=Lesson, user=user, course=lesson.course, now=now)
    return progress


def publication_record(
    *, item: Publishable, by: User | None, action: str, now: datetime | None = None
) -> PublicationEvent:
    return PublicationEvent.objects.create(
        content_type=ContentType.objects.get_for_model(item, for_concrete_model=True),
        object_id=item.pk,
        title=str(item)[:200],
        action=action,
        publish_at=item.publish_at,
        by=by,
        at=now or timezone.now(),
    )


def item_publish(
    *,
    item: Publishable,
    by: User | None,
    publish_at: datetime | None = None,
    now: datetime | None = None,
) -> PublicationEvent:
    """Publish now, or schedule for `publish_at` when that is in the future."""
    now = now or timezone.now()
    item.status = Publishable.Status.PUBLISHED
    item.publish_at = publish_at or now
    item.published_by = by
    item.save(update_fields=["status", "publish_at", "published_by", "updated_at"])
    action = (
        PublicationEvent.Action.SCHEDULED
        if item.publish_at > now
        else PublicationEvent.Action.PUBLISHED
    )
    return publication_record(item=item, by=by, action=action, now=now)


def item_unpublish(
    *, item: Publishable, by: User | None, now: datetime | None = None
) -> PublicationEvent:
    item.status = Publishable.Status.DRAFT
    item.save(update_fields=["status", "updated_at"])
    return publication_record(item=item, by=by, action=PublicationEvent.Action.UNPUBLISHED, now=now)
