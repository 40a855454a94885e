"""Who may see what. The one place where lesson and course access is decided; the pages
and the API both ask these functions and nothing else."""

import enum
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from accounts.types import AnyUser

from .models import Course, Enrollment, Lesson, live_q


class LessonAccess(enum.Enum):
    HIDDEN = "hidden"  # does not exist for this user (draft, scheduled): 404
    LOCKED = "locked"  # title and summary only, with how to enrol
    OPEN = "open"  # the whole lesson


def is_editor(user: AnyUser | None) -> bool:
    return bool(user and user.is_authenticated and user.is_staff)


def courses_visible_to(user: AnyUser, now: datetime | None = None) -> QuerySet[Course]:
    if is_editor(user):
        return Course.objects.all()
    return Course.objects.live(now)


def lessons_visible_to(user: AnyUser, now: datetime | None = None) -> QuerySet[Lesson]:
    """Lessons whose lesson, module and course are all live (everything, for editors)."""
    if is_editor(user):
        return Lesson.objects.all()
    now = now or timezone.now()
    return Lesson.objects.filter(live_q(now=now), live_q("module__", now), live_q("course__", now))


def course_is_visible_to(user: AnyUser, course: Course, now: datetime | None = None) -> bool:
    return is_editor(user) or course.is_live(now)


def lesson_is_live(lesson: Lesson, now: datetime | None = None) -> bool:
    """The lesson, its module and its course are all live: what learners may see."""
    return lesson.is_live(now) and lesson.module.is_live(now) and lesson.course.is_live(now)


def lesson_is_visible_to(user: AnyUser, lesson: Lesson, now: datetime | None = None) -> bool:
    return is_editor(user) or lesson_is_live(lesson, now)


def is_enrolled(user: AnyUser | None, course: Course) -> bool:
    if not (user and user.is_authenticated):
        return False
    return Enrollment.objects.filter(user=user, course=course).exists()


def lesson_access(
    user: AnyUser, lesson: Lesson, *, enrolled: bool | None = None, now: datetime | None = None
) -> LessonAccess:
    """What this user may see of this lesson.

    Pass `enrolled` when it is already known (a course page computes it once for all
    its lessons) to save a query per lesson.
    """
    if not lesson_is_visible_to(user, lesson, now):
        return LessonAccess.HIDDEN
    if lesson.is_free or is_editor(user):
        return LessonAccess.OPEN
    if enrolled is None:
        enrolled = is_enrolled(user, lesson.course)
    return LessonAccess.OPEN if enrolled else LessonAccess.LOCKED
