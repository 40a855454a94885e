"""Two requests completing the last rule together: one completion, one certificate, one
email (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from course import completion
from course.models import Certificate, CourseCompletion
from course.services import enrollment_create
from outbox.models import OutboundEmail
from tests.factories import ClinicianFactory, CourseFactory, LessonFactory, ModuleFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_racing_last_steps_complete_once(monkeypatch):
    course = CourseFactory(audience="clinician", cpd_hours=3, require_quizzes_passed=False)
    module = ModuleFactory(course=course)
    lessons = [LessonFactory(module=module), LessonFactory(module=module)]
    user = ClinicianFactory()
    user.clinician_profile.certificate_name = "Dr Grace Hopper"
    user.clinician_profile.save()
    enrollment_create(user=user, course=course)

    # Both requests see the rules met before either records the completion.
    both_checked = threading.Barrier(2, timeout=10)
    real_status = completion.completion_status

    def status_then_wait(*args, **kwargs):
        result = real_status(*args, **kwargs)
        if result.met:
            both_checked.wait()
        return result

    monkeypatch.setattr(completion, "completion_status", status_then_wait)
    from django.utils import timezone

    # Each request marks one of the two lessons; the rows are written first, then both
    # check completion at the same moment.
    from course.models import LessonProgress
    from course.services import lesson_set_done

    LessonProgress.objects.bulk_create(
        [
            LessonProgress(user=user, lesson=lesson, course=course, completed_at=timezone.now())
            for lesson in lessons
        ]
    )
    results = []

    def finish(lesson):
        try:
            lesson_set_done(user=user, lesson=lesson)
            results.append("ok")
        finally:
            connection.close()

    threads = [threading.Thread(target=finish, args=(lesson,)) for lesson in lessons]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert results == ["ok", "ok"]
    assert CourseCompletion.objects.filter(user=user, course=course).count() == 1
    assert Certificate.objects.filter(user=user).count() == 1
    assert OutboundEmail.objects.filter(subject__startswith="Your CPD certificate").count() == 1
