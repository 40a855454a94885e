"""What the quiz app adds to the course pages (see course.hooks): the course's quiz
scores and how its CPD hours were counted, and a lesson's quizzes and pain-map regions;
and to the sign-up page (see accounts.hooks): the role for a visitor on their way to a
quiz."""

import re
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.models import AnonymousUser

from accounts.hooks import signup_page
from accounts.models import User
from course.hooks import course_page, lesson_page
from course.models import Course, Lesson
from course.selectors import cpd_time

from .access import quizzes_visible_to
from .painmap import REGIONS, regions_for_lesson
from .selectors import course_quiz_scores, module_quiz_cases, quizzes_for_lesson


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
    return {
        "regions": regions,
        "region_keys": [r.key for r in regions],
        "all_regions": REGIONS,
        "quizzes": quizzes_for_lesson(user, lesson, last_in_module=last_in_module),
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
