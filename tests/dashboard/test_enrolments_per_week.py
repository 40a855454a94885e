"""Enrolments per course per ISO week (UTC): the last 12 weeks, weeks with none as 0,
the current week last; enrolments before the window or in another course not counted."""

from datetime import date, timedelta

import pytest

from course.selectors import enrolments_per_week
from tests.factories import CourseFactory, EnrollmentFactory

from .activity import NOW, THIS_MONDAY

pytestmark = pytest.mark.django_db


def test_each_course_has_its_weeks_counted_with_empty_weeks_as_zero():
    patients, clinicians = CourseFactory(order=1), CourseFactory(order=2)
    EnrollmentFactory(course=patients, created_at=THIS_MONDAY)  # the first moment of W48
    EnrollmentFactory(course=patients, created_at=NOW - timedelta(hours=1))
    EnrollmentFactory(course=patients, created_at=THIS_MONDAY - timedelta(seconds=1))  # W47
    EnrollmentFactory(course=clinicians, created_at=THIS_MONDAY - timedelta(weeks=11))
    EnrollmentFactory(course=clinicians, created_at=THIS_MONDAY - timedelta(weeks=12))  # too old

    by_course = {c.course: c for c in enrolments_per_week(weeks=12, now=NOW)}

    weeks = [w.week for w in by_course[patients].weeks]
    assert len(weeks) == 12
    assert weeks[0] == date(2026, 9, 7)  # 2026-W37, a Monday
    assert weeks[-1] == date(2026, 11, 23)
    assert [w.count for w in by_course[patients].weeks] == [0] * 10 + [1, 2]
    assert [w.count for w in by_course[clinicians].weeks] == [1] + [0] * 11
    assert by_course[patients].total == 3


def test_a_course_without_enrolments_is_listed_with_zeros():
    course = CourseFactory()

    (row,) = enrolments_per_week(weeks=4, now=NOW)

    assert row.course == course
    assert [w.count for w in row.weeks] == [0, 0, 0, 0]
    assert row.total == 0
