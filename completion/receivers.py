"""Completion is decided here when the apps below announce progress, and the course
page shows where the learner stands."""

from datetime import datetime
from typing import Any

from django.dispatch import receiver

from course.engagement import share_in_words
from course.hooks import course_page
from course.models import Course
from course.signals import lesson_done
from quizzes.models import Attempt
from quizzes.signals import attempt_submitted

from .selectors import completion_status, requirements_for
from .services import completion_check


@receiver(lesson_done, dispatch_uid="completion-lesson-done")
def lesson_marked_done(*, user: Any, course: Course, now: datetime, **kwargs: Any) -> None:
    completion_check(user=user, course=course, now=now)


@receiver(attempt_submitted, dispatch_uid="completion-attempt")
def quiz_submitted(*, attempt: Attempt, **kwargs: Any) -> None:
    # Only a passed module quiz counts towards completion; lesson self-checks do not.
    if attempt.passed and attempt.quiz.lesson_id is None:
        completion_check(user=attempt.user, course=attempt.quiz.course, now=attempt.submitted_at)


@course_page.register
def course_completion(*, user: Any, course: Course) -> dict[str, Any]:
    rules = {"reading_share": share_in_words()}
    if not user.is_authenticated:
        return {"completion": None, "certificate_unmet": [], **rules}
    status = completion_status(user, course)
    unmet = []
    if status.completion is not None and status.certificate is None:
        unmet = [r for r in requirements_for(user, course) if not r.met]
    return {"completion": status, "certificate_unmet": unmet, **rules}
