"""Two requests completing the last rule together: one completion, one certificate, one
email (PostgreSQL)."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from completion import services as completion
from completion.models import Certificate, CourseCompletion, Evaluation, Reflection
from completion.selectors import needs_details
from course.models import LessonProgress
from course.services import enrollment_create, lesson_set_done
from outbox.models import OutboundEmail
from tests.factories import (
    CPD_FEEDBACK,
    ClinicianFactory,
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    feedback_given,
)

from .conftest import run_together

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

    # Each request marks one of the two lessons; the rows are written first, then both
    # check completion at the same moment.

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
    # The certificate waits for the reflection and evaluation (raced below).
    assert not Certificate.objects.filter(user=user).exists()


def test_double_submit_of_the_reflection_saves_once_and_issues_one_certificate(monkeypatch):
    course = CourseFactory(slug="cpd", audience="clinician", cpd_hours=3)
    user = ClinicianFactory()
    user.clinician_profile.certificate_name = "Dr Grace Hopper"
    user.clinician_profile.save()
    CourseCompletion.objects.create(user=user, course=course, completed_at=timezone.now())
    _issuing_together(monkeypatch)
    form = {"change": CPD_FEEDBACK.change, **dict.fromkeys(Evaluation.STATEMENTS, "4")}

    def submit():
        client = Client()
        client.force_login(user)
        return client.post("/courses/cpd/complete/reflect/", form).status_code

    assert run_together(submit, submit) == [302, 302]
    assert Reflection.objects.filter(completion__user=user).count() == 1
    assert Evaluation.objects.filter(completion__user=user).count() == 1
    assert Certificate.objects.filter(user=user).count() == 1
    assert OutboundEmail.objects.filter(subject__startswith="Your CPD certificate").count() == 1


DETAILS = {
    "name": "Grace",
    "role": "clinician",
    "profession": "Physiotherapist",
    "registration_number": "PH123",
    "certificate_name": "Dr Grace Hopper",
}


def _completed_without_details():
    """A clinician who met a CPD course's rules and reflected before giving a name for
    certificates: their certificate waits for their details."""
    course = CourseFactory(audience="clinician", cpd_hours=3)
    user = ClinicianFactory()

    completion = CourseCompletion.objects.create(
        user=user, course=course, completed_at=timezone.now()
    )
    feedback_given(completion)
    assert needs_details(user)
    return user


def _issuing_together(monkeypatch):
    """Make both requests reach the issuing of the waiting certificate, each having seen
    no certificate yet, before either issues it: the worst interleaving, every time."""
    both_ready = threading.Barrier(2, timeout=20)
    real_issue = completion.certificate_issue

    def wait_then_issue(**kwargs):
        both_ready.wait()
        return real_issue(**kwargs)

    monkeypatch.setattr(completion, "certificate_issue", wait_then_issue)


def test_double_save_of_details_issues_one_certificate(monkeypatch):
    user = _completed_without_details()
    _issuing_together(monkeypatch)

    def save():
        client = Client()
        client.force_login(user)
        return client.post("/accounts/details/", DETAILS).status_code

    assert run_together(save, save) == [302, 302]
    assert Certificate.objects.filter(user=user).count() == 1
    assert OutboundEmail.objects.filter(subject__startswith="Your CPD certificate").count() == 1


def test_two_api_saves_of_the_certificate_name_issue_one_certificate(monkeypatch):
    user = _completed_without_details()
    _issuing_together(monkeypatch)

    def patch():
        client = APIClient()
        client.force_authenticate(user)
        response = client.patch(
            "/api/v1/me/", {"certificate_name": "Dr Grace Hopper"}, format="json"
        )
        return response.status_code

    assert run_together(patch, patch) == [200, 200]
    assert Certificate.objects.filter(user=user).count() == 1
    assert OutboundEmail.objects.filter(subject__startswith="Your CPD certificate").count() == 1


def test_reissue_clicked_twice_makes_one_new_certificate(monkeypatch):
    user = _completed_without_details()
    user.clinician_profile.certificate_name = "Dr Grace Hopper"
    user.clinician_profile.save()
    (first,) = completion.certificates_issue_pending(user=user)
    _issuing_together(monkeypatch)

    def reissue():
        return completion.certificate_reissue(certificate=first)

    results = run_together(reissue, reissue)
    assert sum(r is not None for r in results) == 1
    assert Certificate.objects.filter(user=user).count() == 2
    assert [c.status for c in Certificate.objects.filter(user=user).order_by("number")] == [
        "replaced",
        "valid",
    ]
    assert OutboundEmail.objects.filter(subject__startswith="Your CPD certificate").count() == 2
