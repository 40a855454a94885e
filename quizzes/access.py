"""Who may take which quiz: the same rules as the lessons, in one place for the pages
and the API."""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.types import AnyUser
from course.access import LessonAccess, is_editor, is_enrolled, lesson_access
from course.models import live_q

from .models import Quiz


def quizzes_visible_to(user: AnyUser, now: datetime | None = None) -> QuerySet[Quiz]:
    """Quizzes whose module (and lesson, for a self-check) and course are live."""
    if is_editor(user):
        return Quiz.objects.all()
    now = now or timezone.now()
    live = (
        live_q("module__", now)
        & live_q("course__", now)
        & (Q(lesson__isnull=True) | live_q("lesson__", now))
    )
    return Quiz.objects.filter(live)


def quiz_access(
    user: AnyUser, quiz: Quiz, *, enrolled: bool | None = None, now: datetime | None = None
) -> LessonAccess:
    """HIDDEN (404), LOCKED (enrol first) or OPEN, as for a lesson: a lesson's self-check
    follows its lesson (so the free lesson's check is open); a module quiz needs
    enrolment."""
    if not is_editor(user) and not (quiz.module.is_live(now) and quiz.course.is_live(now)):
        return LessonAccess.HIDDEN
    if quiz.lesson is not None:  # a lesson's self-check (no query when it has none)
        return lesson_access(user, quiz.lesson, enrolled=enrolled, now=now)
    if is_editor(user):
        return LessonAccess.OPEN
    if enrolled is None:
        enrolled = is_enrolled(user, quiz.course)
    return LessonAccess.OPEN if enrolled else LessonAccess.LOCKED
