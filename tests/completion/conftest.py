"""A CPD course of two modules, each with its quiz (and a lesson's self-check, which does
not count), and a clinician's certificate of it, issued by the service."""

import pytest
from django.utils import timezone

from completion.models import CourseCompletion
from completion.services import certificate_issue
from tests.factories import (
    ClinicianFactory,
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    QuizFactory,
    feedback_given,
)

OUTCOMES = [
    "Describe the cluneal nerves' course and skin territory.",
    "Screen every patient with buttock pain for red flags.",
]


@pytest.fixture
def cpd_course():
    course = CourseFactory(
        slug="cpd",
        title="Telling buttock nerve pain sources apart",
        audience="clinician",
        cpd_hours=4,
        description_md="## Learning outcomes\n\n"
        + "\n".join(f"{i}. {o}" for i, o in enumerate(OUTCOMES, start=1)),
        lead_name="Clinical editorial team",
        lead_role="Course lead",
    )
    anatomy = ModuleFactory(course=course, order=1, title="Anatomy of the cluneal nerves")
    flags = ModuleFactory(course=course, order=2, title="Red flags")
    QuizFactory(module=anatomy, slug="anatomy-quiz", title="Anatomy quiz", pass_mark=80)
    QuizFactory(module=flags, slug="flags-quiz", title="Red flags quiz", pass_mark=70)
    lesson = LessonFactory(module=anatomy, slug="cluneal")
    QuizFactory(module=anatomy, lesson=lesson, slug="self-check", pass_mark=50)
    return course


@pytest.fixture
def issued(cpd_course, on_commit):
    user = ClinicianFactory(email="dr@example.org")
    profile = user.clinician_profile
    profile.certificate_name = "Dr Ada Lovelace"
    profile.profession = "Physiotherapist"
    profile.registration_number = "PH123456"
    profile.save()
    now = timezone.now()
    completion = CourseCompletion.objects.create(user=user, course=cpd_course, completed_at=now)
    feedback_given(completion, now)
    with on_commit():
        return certificate_issue(completion=completion, now=now)
