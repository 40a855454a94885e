"""Operations that change state. Pages and the API both call these."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import (
    Case,
    DateTimeField,
    F,
    PositiveIntegerField,
    Q,
    Value,
    When,
)
from django.utils import timezone

from accounts.models import User
from accounts.types import AnyUser
from lib.errors import AppError, ErrorKind

from . import engagement, hooks, signals
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


@dataclass(frozen=True)
class Engagement:
    """Where a learner stands on a lesson: how long they have read it (closed visits) and
    how long it needs, and whether it is done."""

    engaged_seconds: int
    required_seconds: int
    done: bool


def lesson_record_view(*, user: AnyUser, lesson: Lesson, now: datetime | None = None) -> Engagement:
    """The lesson was served to the learner: remember it ("continue where you left off"),
    end the visit they had open (on this lesson or another, crediting its time) and start
    a new one on this lesson.

    Two queries, three on the first view: one read of the learner's open visit and this
    lesson's row, one UPDATE for all of them (or an INSERT of this lesson's row).
    """
    if not user.is_authenticated:
        return Engagement(0, engagement.required_seconds(lesson), done=False)
    now = now or timezone.now()
    rows = list(
        LessonProgress.objects.filter(
            Q(visit_started_at__isnull=False) | Q(lesson=lesson), user=user
        )
        .values("pk", "lesson_id", "visit_started_at", "engaged_seconds", "completed_at")
        # The other lesson's reading time caps its visit; a join, not a query per row.
        .annotate(minutes=F("lesson__minutes"))
    )
    credits: list[When] = []
    for row in rows:
        read = Lesson(pk=row["lesson_id"], minutes=row["minutes"])
        credit = engagement.visit_credit(lesson=read, started_at=row["visit_started_at"], now=now)
        row["engaged_seconds"] += credit
        if credit:
            # Credited only if the visit is still the one read above: when two requests
            # of the same learner end it at once, the first to write counts it and the
            # other finds it changed and adds nothing.
            credits.append(
                When(
                    pk=row["pk"],
                    visit_started_at=row["visit_started_at"],
                    then=F("engaged_seconds") + credit,
                )
            )
    ended = Case(*credits, default=F("engaged_seconds"), output_field=PositiveIntegerField())
    mine = next((row for row in rows if row["lesson_id"] == lesson.pk), None)
    if mine is None:
        if rows:
            LessonProgress.objects.filter(pk__in=[row["pk"] for row in rows]).update(
                engaged_seconds=ended, visit_started_at=None
            )
        try:
            with transaction.atomic():
                LessonProgress.objects.create(
                    user=user,
                    lesson=lesson,
                    course_id=lesson.course_id,
                    last_viewed_at=now,
                    visit_started_at=now,
                )
        except IntegrityError:
            pass  # a parallel request created the row and started the visit; as good as ours
        return Engagement(0, engagement.required_seconds(lesson), done=False)
    this_one = When(pk=mine["pk"], then=Value(now))
    LessonProgress.objects.filter(pk__in=[row["pk"] for row in rows]).update(
        engaged_seconds=ended,
        visit_started_at=Case(this_one, default=None, output_field=DateTimeField()),
        last_viewed_at=Case(this_one, default=F("last_viewed_at"), output_field=DateTimeField()),
    )
    return Engagement(
        mine["engaged_seconds"],
        engagement.required_seconds(lesson),
        done=mine["completed_at"] is not None,
    )


def lesson_has_self_check(lesson: Lesson) -> bool:
    """Whether the lesson has a self-check to answer (the quiz app says, by a hook)."""
    return bool(hooks.lesson_done_rule.context(lesson=lesson).get("self_check"))


def lesson_set_done(
    *, user: AnyUser, lesson: Lesson, done: bool = True, now: datetime | None = None
) -> LessonProgress:
    """Mark a lesson done (or not done again). The first completion time is kept.

    A lesson counts as done once the learner has read it for its share of the reading
    time (course.engagement), the visit now ending included; before that this raises
    AppError NOT_YET, with the numbers, and writes nothing. Marking it not done is always
    allowed, and a lesson already done stays done.
    """
    return _lesson_mark(user=user, lesson=lesson, done=done, now=now, self_checked=False)


def lesson_self_check_answered(
    *, user: AnyUser, lesson: Lesson, now: datetime | None = None
) -> LessonProgress:
    """The learner answered the lesson's self-check: that counts as engagement, so the
    lesson is done whatever the time read."""
    return _lesson_mark(user=user, lesson=lesson, done=True, now=now, self_checked=True)


def _lesson_mark(
    *, user: AnyUser, lesson: Lesson, done: bool, now: datetime | None, self_checked: bool
) -> LessonProgress:
    _require_open(user, lesson, now)
    now = now or timezone.now()
    with transaction.atomic():
        progress, _ = LessonProgress.objects.select_for_update().get_or_create(
            user=user,
            lesson=lesson,
            defaults={"course_id": lesson.course_id, "last_viewed_at": now},
        )
        if done and progress.completed_at is None:
            credit = engagement.visit_credit(
                lesson=lesson, started_at=progress.visit_started_at, now=now
            )
            required = engagement.required_seconds(lesson)
            if not self_checked and progress.engaged_seconds + credit < required:
                # Nothing written: the visit stays open and goes on counting.
                raise AppError(
                    engagement.not_yet_message(
                        lesson,
                        engaged_seconds=progress.engaged_seconds + credit,
                        self_check=lesson_has_self_check(lesson),
                    ),
                    ErrorKind.NOT_YET,
                    extra={
                        "engaged_seconds": progress.engaged_seconds + credit,
                        "required_seconds": required,
                    },
                )
            # "Mark done" ends the visit: its time is credited, once.
            progress.engaged_seconds += credit
            progress.visit_started_at = None
            progress.completed_at = now
            # The lesson's key points become review cards the first time it is done.
            signals.lesson_first_done.send(sender=Lesson, user=user, lesson=lesson, now=now)
        elif not done:
            progress.completed_at = None
        progress.save(update_fields=["completed_at", "engaged_seconds", "visit_started_at"])
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
