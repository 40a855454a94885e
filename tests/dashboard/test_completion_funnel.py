"""The completion funnel: of the learners enrolled, how many completed each live lesson
in reading order, and the lesson where most of them stop."""

from datetime import timedelta

import pytest

from course.models import LessonProgress
from course.selectors import completion_funnel
from tests.factories import (
    DRAFT,
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    ModuleFactory,
    UserFactory,
)

from .activity import NOW

pytestmark = pytest.mark.django_db


def done(user, lesson, *, completed=True):
    LessonProgress.objects.create(
        user=user,
        lesson=lesson,
        course=lesson.course,
        completed_at=NOW - timedelta(days=1) if completed else None,
    )


@pytest.fixture
def course():
    return CourseFactory()


def test_counts_follow_reading_order_and_flag_the_biggest_drop(course):
    # Module order decides before lesson order: the second module's lesson comes last
    # although its own order is lowest.
    first, second = ModuleFactory(course=course, order=1), ModuleFactory(course=course, order=2)
    late = LessonFactory(module=second, order=0, title="Sciatic nerve")
    intro = LessonFactory(module=first, order=1, title="What the cluneal nerves are")
    exam = LessonFactory(module=first, order=2, title="Examining the iliac crest")
    LessonFactory(module=first, order=3, status=DRAFT)  # not live: not a step
    learners = [EnrollmentFactory(course=course).user for _ in range(10)]
    for user in learners[:8]:
        done(user, intro)
    for user in learners[:3]:
        done(user, exam)
    done(learners[3], exam, completed=False)  # opened, not done
    for user in learners[:2]:
        done(user, late)
    done(UserFactory(), intro)  # not enrolled: not counted

    funnel = completion_funnel(course, now=NOW)

    assert funnel.enrolled == 10
    assert [(s.lesson, s.completed, s.drop) for s in funnel.steps] == [
        (intro, 8, 2),
        (exam, 3, 5),
        (late, 2, 1),
    ]
    assert [s.biggest_drop for s in funnel.steps] == [False, True, False]
    assert funnel.stop.lesson == exam
    assert funnel.percent(funnel.steps[0]) == 80


def test_no_drop_flags_nothing(course):
    lesson = LessonFactory(module__course=course)
    user = EnrollmentFactory(course=course).user
    done(user, lesson)

    funnel = completion_funnel(course, now=NOW)

    assert [(s.completed, s.drop, s.biggest_drop) for s in funnel.steps] == [(1, 0, False)]
    assert funnel.stop is None


def test_a_course_nobody_enrolled_in_has_no_percentages(course):
    LessonFactory(module__course=course)

    funnel = completion_funnel(course, now=NOW)

    assert funnel.enrolled == 0
    assert funnel.percent(funnel.steps[0]) is None
    assert funnel.stop is None
