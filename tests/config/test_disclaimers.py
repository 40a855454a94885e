"""Each audience's pages carry its own disclaimer: the clinician course's course, lesson,
quiz and attempt pages the one for health professionals, the patient course's the one
for people in pain; a page with no course keeps the general one."""

import pytest

from course.models import Course
from quizzes.services import attempt_submit
from tests.factories import (
    ClinicianFactory,
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    ModuleFactory,
    QuizFactory,
    question_with,
)

pytestmark = pytest.mark.django_db

CLINICIAN = "For registered health professionals."
PATIENT = "The warning signs, and where to go"
GENERAL = "This is education, not a diagnosis."


def _course(audience: str, slug: str):
    course = CourseFactory(slug=slug, audience=audience)
    module = ModuleFactory(course=course, order=1)
    LessonFactory(module=module, slug="is-my-pain-from-a-nerve", order=1, is_free=True)
    quiz = QuizFactory(module=module)
    question = question_with(quiz, correct=(0,))
    return course, quiz, question


@pytest.fixture
def learner(client):
    user = ClinicianFactory()
    client.force_login(user)
    return user


def _pages(client, learner, audience: str, slug: str) -> dict[str, str]:
    course, quiz, question = _course(audience, slug)
    signed_out = {"locked quiz": client.get(quiz.get_absolute_url())}
    EnrollmentFactory(user=learner, course=course)
    client.force_login(learner)
    first = question.choices.order_by("order").first()
    attempt = attempt_submit(user=learner, quiz=quiz, answers={question.pk: [first.pk]})
    pages = {
        "course": client.get(f"/courses/{slug}/"),
        "lesson": client.get(f"/courses/{slug}/is-my-pain-from-a-nerve/"),
        "quiz": client.get(quiz.get_absolute_url()),
        "attempt": client.get(attempt.get_absolute_url()),
    }
    client.logout()
    pages["locked quiz"] = signed_out["locked quiz"]
    for name, response in pages.items():
        assert response.status_code == 200, name
    # Compare words, not the template's line breaks.
    return {name: " ".join(response.content.decode().split()) for name, response in pages.items()}


def test_clinician_course_pages_carry_the_professional_disclaimer(client, learner):
    for name, page in _pages(client, learner, Course.Audience.CLINICIAN, "cpd").items():
        assert CLINICIAN in page, name
        assert "supports, not replaces, your clinical judgement" in page, name
        assert PATIENT not in page, name


def test_patient_course_pages_carry_the_patient_disclaimer_with_the_warning_signs(client, learner):
    slug = "buttock-nerve-pain-self-help"
    for name, page in _pages(client, learner, Course.Audience.PATIENT, slug).items():
        assert PATIENT in page, name
        assert f'href="/courses/{slug}/is-my-pain-from-a-nerve/">' in page, name
        assert "numbness between your legs" in page, name
        assert CLINICIAN not in page, name


def test_another_patient_course_names_no_lesson_it_may_not_have(client, learner):
    page = _pages(client, learner, Course.Audience.PATIENT, "other")["course"]
    assert "The course's lessons explain" in page
    assert 'is-my-pain-from-a-nerve/">The warning signs' not in page


def test_a_page_with_no_course_keeps_the_general_disclaimer(client):
    page = client.get("/pain-map/").content.decode()
    assert GENERAL in page
    assert CLINICIAN not in page and PATIENT not in page
