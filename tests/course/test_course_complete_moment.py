"""Finishing a course: the page says what was achieved, the certificate (for
clinicians) or what it still needs, and that reviews keep going."""

from datetime import timedelta

import pytest
from django.utils import timezone

from completion.models import Certificate, CourseCompletion, Evaluation, Reflection
from course.services import enrollment_create
from quizzes.services import attempt_submit
from reviews.models import Card
from tests.factories import (
    CPD_FEEDBACK,
    ClinicianFactory,
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    QuizFactory,
    UserFactory,
    finish_lesson,
    question_with,
    reflect_and_evaluate,
)

pytestmark = pytest.mark.django_db

POINT = [{"front": "Which nerves cross the iliac crest?", "back": "The superior cluneals."}]


@pytest.fixture
def cpd():
    course = CourseFactory(slug="cpd", audience="clinician", cpd_hours=4)
    module = ModuleFactory(course=course)
    lesson = LessonFactory(module=module, slug="l1", key_points=POINT)
    quiz = QuizFactory(module=module, pass_mark=50)
    question_with(quiz, correct=(0,), lesson=lesson)
    return course


def finish(user, course, on_commit):
    enrollment_create(user=user, course=course)
    with on_commit():
        for lesson in course.lessons.all():
            finish_lesson(user, lesson)
        for quiz in course.quizzes.all():
            question = quiz.questions.get()
            right = question.choices.get(is_correct=True)
            attempt_submit(user=user, quiz=quiz, answers={question.pk: [right.pk]})
    assert CourseCompletion.objects.filter(user=user, course=course).exists()


def test_a_clinician_sees_what_they_achieved_and_their_certificate(client, cpd, on_commit):
    user = ClinicianFactory()
    user.clinician_profile.certificate_name = "Dr Ada Lovelace"
    user.clinician_profile.save()
    finish(user, cpd, on_commit)
    with on_commit():
        reflect_and_evaluate(CourseCompletion.objects.get(user=user))
    certificate = Certificate.objects.get(user=user)
    client.force_login(user)
    page = client.get("/courses/cpd/complete/").content.decode()
    assert "Course complete" in page and "You finished the course" in page
    assert "<strong>1</strong> <span>lesson read</span>" in page
    assert "<strong>1</strong> <span>module quiz passed</span>" in page
    assert "<strong>4</strong> <span>CPD hours</span>" in page
    assert "Your CPD certificate for 4 hours is ready, in the name of Dr Ada Lovelace." in page
    assert f'href="/certificates/{certificate.code}/pdf/">Download your certificate (PDF)' in page
    # The lesson's key point waits in today's reviews (the quiz question was reviewed as
    # it was answered); the certificate stays the main action.
    assert "keeps coming back in your daily reviews" in page
    assert 'class="button secondary" href="/review/">Review 1 card now</a>' in page


def test_a_clinician_without_the_details_is_told_what_is_missing(client, cpd, on_commit):
    user = ClinicianFactory()  # no name for certificates given
    finish(user, cpd, on_commit)
    assert not Certificate.objects.exists()
    client.force_login(user)
    page = client.get("/courses/cpd/complete/").content.decode()
    assert "Your certificate is issued as soon as these are done:" in page
    assert '<a href="/accounts/details/#id_certificate_name">Name on certificates</a>' in page
    assert "#id_profession" not in page  # given at sign-up
    assert '<a href="/courses/cpd/complete/reflect/#reflection">' in page
    assert (
        '<a class="button" href="/accounts/details/#id_certificate_name">Add your details</a>'
        in page
    )


def test_a_clinician_who_reflects_first_gets_the_certificate_with_their_details(
    client, cpd, on_commit
):
    user = ClinicianFactory()
    user.clinician_profile.certificate_name = "Dr Ada Lovelace"
    user.clinician_profile.save()
    finish(user, cpd, on_commit)
    client.force_login(user)
    page = client.get("/courses/cpd/complete/").content.decode()
    assert "#id_certificate_name" not in page
    assert '<a class="button" href="/courses/cpd/complete/reflect/#reflection">' in page
    form = client.get("/courses/cpd/complete/reflect/").content.decode()
    assert "What will you change in your practice?" in form
    assert "The course met its learning outcomes." in form
    short = {"change": "Press the crest.", **dict.fromkeys(Evaluation.STATEMENTS, "4")}
    refused = client.post("/courses/cpd/complete/reflect/", short).content.decode()
    assert "Write at least 15 words" in refused and "(you have 3)" in refused
    assert not Certificate.objects.exists() and not Reflection.objects.exists()
    data = {"change": CPD_FEEDBACK.change, **dict.fromkeys(Evaluation.STATEMENTS, "5")}
    with on_commit():
        done = client.post("/courses/cpd/complete/reflect/", data, follow=True).content.decode()
    assert "Your CPD certificate is ready" in done
    certificate = Certificate.objects.get(user=user)
    assert certificate.name == "Dr Ada Lovelace"
    assert Reflection.objects.get().change == CPD_FEEDBACK.change


def test_a_patient_on_the_cpd_course_is_told_certificates_are_for_professionals(
    client, cpd, on_commit
):
    user = UserFactory()
    finish(user, cpd, on_commit)
    client.force_login(user)
    page = client.get("/courses/cpd/complete/").content.decode()
    assert "CPD certificates are for health professionals." in page
    assert "/courses/cpd/complete/reflect/" not in page
    assert "Download your certificate" not in page


def test_a_patient_course_has_no_certificate_and_says_when_reviews_are_next_due(client, on_commit):
    course = CourseFactory(slug="self-help", audience="patient", require_quizzes_passed=False)
    LessonFactory(module=ModuleFactory(course=course), key_points=POINT)
    user = UserFactory()
    finish(user, course, on_commit)
    tomorrow = timezone.now() + timedelta(days=1)
    Card.objects.filter(user=user).update(is_new=False, due=tomorrow)
    client.force_login(user)
    page = client.get("/courses/self-help/complete/").content.decode()
    page = page[page.index("<main") : page.index("</main>")]
    assert "Your certificate" not in page and "CPD" not in page
    assert "module quiz" not in page  # the course has none
    assert "Your next review is due on" in page
    local = timezone.localtime(tomorrow, user.zone)
    assert (
        f'<time datetime="{local.isoformat(timespec="seconds")}"' in page
        or local.strftime("%A %-d %B") in page
    )
    assert "Review 1 card now" not in page
