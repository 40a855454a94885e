"""Completion rules, certificates, the PDF, verification and the completions export."""

import itertools
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pypdfium2
import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from completion.certificates import certificate_pdf
from completion.models import Certificate, CourseCompletion
from completion.selectors import completion_status
from completion.services import certificate_reissue, certificate_revoke
from course.services import enrollment_create
from outbox.models import OutboundEmail
from quizzes.services import attempt_submit
from tests.factories import (
    ClinicianFactory,
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    QuizFactory,
    StaffFactory,
    UserFactory,
    finish_lesson,
    question_with,
    reflect_and_evaluate,
)

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def course():
    course = CourseFactory(
        slug="cpd",
        title="Telling buttock nerve pain sources apart",
        audience="clinician",
        cpd_hours=6,
    )
    for order in (1, 2):
        module = ModuleFactory(course=course, order=order)
        lesson = LessonFactory(module=module, slug=f"l{order}")
        quiz = QuizFactory(module=module, slug=f"q{order}", pass_mark=80)
        question_with(quiz, correct=(0,), lesson=lesson)
    return course


def clinician(**profile):
    user = ClinicianFactory(email="dr@example.org")
    for key, value in {"certificate_name": "Dr Ada Lovelace", **profile}.items():
        setattr(user.clinician_profile, key, value)
    user.clinician_profile.save()
    return user


def steps(course):
    lessons = [("lesson", x) for x in course.lessons.order_by("slug")]
    quizzes = [("quiz", x) for x in course.quizzes.order_by("slug")]
    return lessons + quizzes


def do(user, step, on_commit, right=True):
    kind, item = step
    with on_commit():
        if kind == "lesson":
            finish_lesson(user, item)
        else:
            question = item.questions.first()
            choices = list(question.choices.order_by("order"))
            attempt_submit(
                user=user, quiz=item, answers={question.pk: [choices[0 if right else 1].pk]}
            )


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
def test_rules_met_in_any_order_complete_once_at_the_last_step(course, order, on_commit):
    user = clinician()
    enrollment_create(user=user, course=course)
    all_steps = steps(course)
    for n, index in enumerate(order, start=1):
        do(user, all_steps[index], on_commit)
        assert CourseCompletion.objects.filter(user=user).exists() == (n == 4)
    # The certificate waits for the reflection and evaluation, then comes once.
    assert not Certificate.objects.exists()
    with on_commit():
        reflect_and_evaluate(CourseCompletion.objects.get(user=user))
    assert Certificate.objects.filter(user=user).count() == 1
    assert len([m for m in mail.outbox if "certificate" in m.subject.lower()]) == 1


def test_a_failed_quiz_does_not_count(course, on_commit):
    user = clinician()
    enrollment_create(user=user, course=course)
    for step in steps(course)[:3]:
        do(user, step, on_commit)
    do(user, steps(course)[3], on_commit, right=False)
    status = completion_status(user, course)
    assert (status.quizzes_passed, status.quizzes_total, status.met) == (1, 2, False)
    assert not CourseCompletion.objects.exists()


def test_course_page_shows_each_rule_and_where_the_learner_stands(client, course, on_commit):
    user = clinician()
    enrollment_create(user=user, course=course)
    do(user, steps(course)[0], on_commit)
    do(user, steps(course)[2], on_commit)
    client.force_login(user)
    page = client.get("/courses/cpd/").content.decode()
    assert "1 of 2 lessons, 1 of 2 quizzes passed" in page
    assert 'value="50"' in page and "6 hours" in page


def test_certificate_waits_for_name_and_registration(client, course, on_commit):
    user = clinician(certificate_name="", registration_number="")
    enrollment_create(user=user, course=course)
    for step in steps(course):
        do(user, step, on_commit)
    with on_commit():
        reflect_and_evaluate(CourseCompletion.objects.get(user=user))
    assert not Certificate.objects.exists()
    client.force_login(user)
    page = client.get("/courses/cpd/").content.decode()
    # Exactly what is missing, each a link to its field; nothing that was given.
    assert '<a href="/accounts/details/#id_certificate_name">Name on certificates</a>' in page
    assert '<a href="/accounts/details/#id_registration_number">' in page
    assert "#id_profession" not in page and "#reflection" not in page
    with on_commit():
        client.post(
            "/accounts/details/",
            {
                "name": "Ada",
                "role": "clinician",
                "profession": "Physiotherapist",
                "registration_number": "PH123",
                "certificate_name": "Dr Ada Lovelace",
            },
        )
    certificate = Certificate.objects.get()
    assert (certificate.name, certificate.registration_number) == ("Dr Ada Lovelace", "PH123")
    email = OutboundEmail.objects.get(subject__startswith="Your CPD certificate")
    assert email.sent_at and email.attachment_name.endswith(".pdf")
    assert bytes(email.attachment).startswith(b"%PDF")
    assert mail.outbox[-1].attachments[0][2] == "application/pdf"


def test_patients_get_a_completion_page_not_a_certificate(client, on_commit):
    course = CourseFactory(slug="self-help", audience="patient")
    lesson = LessonFactory(module=ModuleFactory(course=course), summary="Which nerves cross it.")
    course.require_quizzes_passed = False
    course.save()
    user = UserFactory()
    enrollment_create(user=user, course=course)
    do(user, ("lesson", lesson), on_commit)
    assert CourseCompletion.objects.filter(user=user).exists()
    assert not Certificate.objects.exists()
    client.force_login(user)
    page = client.get("/courses/self-help/complete/").content.decode()
    assert "You finished the course" in page and "Which nerves cross it." in page
    assert "daily reviews" in page


def test_a_new_lesson_later_takes_nothing_away(client, course, on_commit):
    user = clinician()
    enrollment_create(user=user, course=course)
    for step in steps(course):
        do(user, step, on_commit)
    reflect_and_evaluate(CourseCompletion.objects.get(user=user))
    LessonFactory(module=course.modules.first(), slug="new-lesson")
    assert not completion_status(user, course).met
    client.force_login(user)
    assert "Completed on" in client.get("/courses/cpd/").content.decode()
    assert Certificate.objects.get().status == "valid"


@pytest.fixture
def certificate(course, on_commit):
    user = clinician()
    enrollment_create(user=user, course=course)
    for step in steps(course):
        do(user, step, on_commit)
    with on_commit():
        reflect_and_evaluate(CourseCompletion.objects.get(user=user))
    return Certificate.objects.get()


def test_pdf_has_the_name_code_and_url_and_renders(client, certificate, settings):
    client.force_login(certificate.user)
    response = client.get(f"/certificates/{certificate.code}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    document = pypdfium2.PdfDocument(response.content)
    assert len(document) == 1
    text = document[0].get_textpage().get_text_range()
    assert "Dr Ada Lovelace" in text and certificate.code in text
    assert f"{settings.SITE_URL}/certificates/{certificate.code}/" in text
    assert "6 CPD hours" in text and "Telling buttock nerve pain sources apart" in text
    ARTIFACTS.mkdir(exist_ok=True)
    image = document[0].render(scale=2).to_pil()
    image.save(ARTIFACTS / "certificate.png")
    assert image.width > 1000 and image.convert("L").getextrema() == (0, 255)


def _pdf_text_and_boxes(certificate):
    document = pypdfium2.PdfDocument(certificate_pdf(certificate))
    page = document[0]
    text = page.get_textpage()
    boxes = [text.get_charbox(i) for i in range(text.count_chars())]
    return text.get_text_range(), boxes, page.get_size()


def test_pdf_prints_names_in_any_alphabet_and_keeps_long_ones_on_the_page(certificate):
    certificate.name = "Łucja Dąbrowska-Nguyễn Παπαδοπούλου Иванова"
    text, _, _ = _pdf_text_and_boxes(certificate)
    assert certificate.name in text
    certificate.name = "Dr " + " ".join(["Maximiliana-Wilhelmina"] * 6)  # 141 characters
    certificate.course_title = "A course title that is long " * 7
    text, boxes, (width, height) = _pdf_text_and_boxes(certificate)
    assert "Maximiliana-Wilhelmina" in text
    inside = [left >= 0 and right <= width for left, _, right, _ in boxes]
    assert all(inside), "text runs off the page"


def test_a_reissued_certificate_keeps_the_completion_date(certificate):
    completed = certificate.completed_on
    with time_machine.travel(timezone.now() + timedelta(days=40)):
        new = certificate_reissue(certificate=certificate)
    assert new.completed_on == completed and new.issued_at.date() > completed
    text, _, _ = _pdf_text_and_boxes(new)
    assert f"completed {completed:%-d %B %Y}" in text
    assert f"This copy issued {new.issued_at:%-d %B %Y}" in text


def test_completion_date_is_the_learners_own(course, on_commit):
    user = clinician()
    user.time_zone = "Australia/Sydney"
    user.save()
    enrollment_create(user=user, course=course)
    # 20:30 UTC on 3 March is 07:30 on 4 March in Sydney.
    with time_machine.travel(datetime(2027, 3, 3, 20, 30, tzinfo=UTC), tick=False):
        for step in steps(course):
            do(user, step, on_commit)
        reflect_and_evaluate(CourseCompletion.objects.get(user=user))
    assert Certificate.objects.get().completed_on == date(2027, 3, 4)


def test_only_the_holder_or_an_editor_downloads_the_pdf(client, certificate):
    client.force_login(UserFactory())
    assert client.get(f"/certificates/{certificate.code}/pdf/").status_code == 404
    client.force_login(StaffFactory())
    assert client.get(f"/certificates/{certificate.code}/pdf/").status_code == 200


def test_verification_valid_unknown_revoked_replaced(client, api_client, certificate):
    page = client.get(f"/certificates/{certificate.code}/").content.decode()
    assert "Valid." in page and "Dr Ada Lovelace" in page and "6" in page
    assert certificate.registration_number not in page and certificate.user.email not in page
    data = api_client.get(f"/api/v1/certificates/verify/{certificate.code}/").json()
    # The certificate as printed and its status: nothing else about the person.
    assert data["status"] == "valid" and set(data) == {
        "code",
        "status",
        "name",
        "course_title",
        "completed_on",
        "issued_at",
        "cpd_hours",
        "issuer",
        "assessment",
        "assessed",
        "outcomes",
        "revoked_at",
        "revoked_reason",
        "badge",
    }
    unknown = client.get("/certificates/not-a-real-code/")
    assert unknown.status_code == 404 and "Not found." in unknown.content.decode()
    new = certificate_reissue(certificate=certificate)
    assert "Replaced." in client.get(f"/certificates/{certificate.code}/").content.decode()
    assert "Valid." in client.get(f"/certificates/{new.code}/").content.decode()
    certificate_revoke(certificate=new, reason="Registration lapsed", by=None)
    assert "Revoked</strong> on" in client.get(f"/certificates/{new.code}/").content.decode()


@time_machine.travel(datetime(2027, 1, 4, 9, 0, 10, tzinfo=UTC), tick=False)
def test_verification_is_throttled(client, api_client, certificate):
    statuses = [client.get(f"/certificates/guess-{i}/").status_code for i in range(35)]
    assert statuses[:30] == [404] * 30 and statuses[-1] == 429
    api = [api_client.get(f"/api/v1/certificates/verify/guess-{i}/").status_code for i in range(35)]
    assert 429 in api


def test_api_completion_and_my_certificates(api_client, certificate):
    api_client.force_authenticate(certificate.user)
    status = api_client.get("/api/v1/courses/cpd/completion/").json()
    assert status["met"] is True and status["certificate"] == certificate.code
    mine = api_client.get("/api/v1/certificates/").json()["results"]
    assert mine[0]["pdf"] == f"/certificates/{certificate.code}/pdf/"


def test_admin_exports_completions_as_csv(client, certificate):
    client.force_login(StaffFactory())
    listing = client.get(
        f"/admin/completion/coursecompletion/?course__id__exact={certificate.course_id}"
    )
    assert listing.status_code == 200
    response = client.post(
        "/admin/completion/coursecompletion/",
        {
            "action": "export_csv",
            "_selected_action": list(CourseCompletion.objects.values_list("pk", flat=True)),
        },
    )
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("email,name,course,completed_at,minutes_read,")
    assert lines[0].endswith(
        "certificate_code,certificate_status,cpd_hours,certificate_name,profession,"
        "registration_number"
    )
    assert certificate.code in lines[1] and "dr@example.org" in lines[1]
    # Revoking asks for the reason and a confirmation first (tests/completion/).
    client.post(
        "/admin/completion/certificate/",
        {
            "action": "revoke",
            "_selected_action": [certificate.pk],
            "apply": "1",
            "reason": "Issued in error",
            "confirm": "on",
        },
    )
    certificate.refresh_from_db()
    assert certificate.status == "revoked"


def test_only_the_current_certificate_is_reissued(certificate):
    new = certificate_reissue(certificate=certificate)
    # The old one again (an admin's second click on a list that was not refreshed).
    assert certificate_reissue(certificate=certificate) is None
    assert [(c.number, c.status) for c in Certificate.objects.order_by("number")] == [
        (1, "replaced"),
        (2, "valid"),
    ]
    certificate_revoke(certificate=new, reason="Registration lapsed", by=None)
    newest = certificate_reissue(certificate=new)
    assert (newest.number, newest.status) == (3, "valid")


def test_the_database_holds_one_certificate_per_number_of_a_completion(certificate):
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            completion=certificate.completion,
            number=1,
            user=certificate.user,
            course=certificate.course,
            code="another-code",
            name=certificate.name,
            profession=certificate.profession,
            registration_number=certificate.registration_number,
            course_title=certificate.course_title,
            cpd_hours=certificate.cpd_hours,
            completed_on=certificate.completed_on,
            issued_at=certificate.issued_at,
        )
    assert Certificate.objects.count() == 1


def test_saving_details_again_issues_nothing_more(client, course, on_commit):
    user = clinician(certificate_name="")
    enrollment_create(user=user, course=course)
    for step in steps(course):
        do(user, step, on_commit)
    reflect_and_evaluate(CourseCompletion.objects.get(user=user))
    client.force_login(user)
    details = {
        "name": "Ada",
        "role": "clinician",
        "profession": "Physiotherapist",
        "registration_number": "PH123",
        "certificate_name": "Dr Ada Lovelace",
    }
    with on_commit():
        first = client.post("/accounts/details/", details, follow=True).content.decode()
        again = client.post("/accounts/details/", details, follow=True).content.decode()
    assert "Your certificate is ready" in first and "Your certificate is ready" not in again
    assert Certificate.objects.count() == 1
    assert OutboundEmail.objects.filter(subject__startswith="Your CPD certificate").count() == 1
