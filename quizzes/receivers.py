"""What the quiz app adds to the course pages (see course.hooks): the course's quiz
scores and how its CPD hours were counted, and a lesson's quizzes and pain-map regions;
to the sign-up page (see accounts.hooks), the role for a visitor on their way to a quiz;
and what it tells the course app: which lessons have a self-check, and that one was
answered."""

import re
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.models import AnonymousUser
from django.dispatch import receiver

from accounts.hooks import signup_page
from accounts.models import User
from course.hooks import course_page, lesson_done_rule, lesson_page
from course.models import Course, Lesson
from course.selectors import cpd_time
from course.services import lesson_self_check_answered

from .access import quizzes_visible_to
from .models import Attempt, Quiz
from .painmap import REGIONS, regions_for_lesson
from .selectors import course_quiz_scores, module_quiz_cases, quizzes_for_lesson
from .signals import attempt_submitted


@course_page.register
def course_quizzes(*, user: Any, course: Course) -> dict[str, Any]:
    return {
        "quiz_scores": course_quiz_scores(user, course),
        # The cases are the quizzes' to count; the rest of the sum is the course's.
        "cpd_time": cpd_time(course, cases=module_quiz_cases(course)) if course.cpd_hours else None,
    }


@lesson_page.register
def lesson_quizzes(*, user: Any, lesson: Lesson, last_in_module: bool) -> dict[str, Any]:
    regions = regions_for_lesson(lesson.course.slug, lesson.slug)
    quizzes = quizzes_for_lesson(user, lesson, last_in_module=last_in_module)
    return {
        "regions": regions,
        "region_keys": [r.key for r in regions],
        "all_regions": REGIONS,
        "quizzes": quizzes,
        "self_check": any(quiz.lesson_id == lesson.pk for quiz in quizzes),
    }


QUIZ_PATH = re.compile(r"^/quizzes/(?P<pk>\d+)/")


@signup_page.register
def signup_role_for_quiz(*, next_url: str) -> dict[str, str]:
    """A visitor on their way to a quiz of the CPD course (a locked quiz's sign-in link
    leads back to it) signs up as a health professional (one query)."""
    match = QUIZ_PATH.match(urlsplit(next_url).path)
    if match and (
        quizzes_visible_to(AnonymousUser())
        .filter(pk=match["pk"], course__audience=Course.Audience.CLINICIAN)
        .exists()
    ):
        return {"role": User.Role.CLINICIAN}
    return {}


@lesson_done_rule.register
def lesson_self_check(*, lesson: Lesson) -> dict[str, Any]:
    return {"self_check": Quiz.objects.filter(lesson=lesson).exists()}


@receiver(attempt_submitted, dispatch_uid="quizzes-self-check-done")
def self_check_submitted(*, attempt: Attempt, **kwargs: Any) -> None:
    # Answering a lesson's self-check, passed or not, is engagement with the lesson: it
    # is done whatever the time read. After the attempt committed (as the signal is
    # sent), so that the course service sends lesson_done, and completion is checked,
    # just as for "mark done".
    if attempt.quiz.lesson_id is not None:
        lesson = Lesson.objects.select_related("module", "course").get(pk=attempt.quiz.lesson_id)
        lesson_self_check_answered(user=attempt.user, lesson=lesson, now=attempt.submitted_at)
