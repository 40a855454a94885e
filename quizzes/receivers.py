"""What the quiz app adds to the course pages (see course.hooks): the course's quiz
scores, and a lesson's quizzes and pain-map regions."""

from typing import Any

from course.hooks import course_page, lesson_page
from course.models import Course, Lesson

from .painmap import REGIONS, regions_for_lesson
from .selectors import course_quiz_scores, quizzes_for_lesson


@course_page.register
def course_quizzes(*, user: Any, course: Course) -> dict[str, Any]:
    return {"quiz_scores": course_quiz_scores(user, course)}


@lesson_page.register
def lesson_quizzes(*, user: Any, lesson: Lesson, last_in_module: bool) -> dict[str, Any]:
    regions = regions_for_lesson(lesson.course.slug, lesson.slug)
    return {
        "regions": regions,
        "region_keys": [r.key for r in regions],
        "all_regions": REGIONS,
        "quizzes": quizzes_for_lesson(user, lesson, last_in_module=last_in_module),
    }
