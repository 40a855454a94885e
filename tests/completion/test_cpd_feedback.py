"""Before a CPD certificate: the reflection and the evaluation, what a certificate
still needs (pages and API), the CPD record, and what editors read and export."""

import csv
import io

import pypdfium2
import pytest
from django.utils import timezone

from completion.models import Certificate, CourseCompletion, Evaluation, Reflection
from completion.reports import evaluation_summary
from completion.selectors import CertificateFacts, certificate_requirements
from completion.services import CpdFeedback, cpd_feedback_save
from course.models import LessonProgress
from quizzes.models import Attempt
from tests.factories import (
    CPD_FEEDBACK,
    ClinicianFactory,
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    QuizFactory,
    StaffFactory,
    UserFactory,
    question_with,
    reflect_and_evaluate,
)

pytestmark = pytest.mark.django_db

RATINGS = dict.fromkeys(Evaluation.STATEMENTS, 4)
PUT = {"reflection": {"change": CPD_FEEDBACK.change, "learned": ""}, "evaluation": RATINGS}


@pytest.fixture
def course():
    course = CourseFactory(
        slug="cpd",
        title="Telling buttock nerve pain sources apart",
        audience="clinician",
        cpd_hours=4,
        description_md="## Learning outcomes\n\n1. Tell the cluneal nerves apart.\n",
    )
    module = ModuleFactory(course=course, title="Anatomy")
    lesson = LessonFactory(module=module, slug="l1")
    quiz = QuizFactory(module=module, slug="q1", title="Module 1 quiz: anatomy", pass_mark=80)
    question_with(quiz, correct=(0,), lesson=lesson)
    return course


def graduate(course, **profile):
    user = ClinicianFactory(email="dr@example.org", name="Ada")
    for key, value in {"certificate_name": "Dr Ada Lovelace", **profile}.items():
        setattr(user.clinician_profile, key, value)
    user.clinician_profile.save()
    completion = CourseCompletion.objects.create(
        user=user, course=course, completed_at=timezone.now()
    )
    return user, completion


def facts(course, **changes):
    user = ClinicianFactory()
    user.clinician_profile.certificate_name = "Dr A"
    base = {
        "course": course,
        "is_clinician": True,
        "completed": True,
        "profile": user.clinician_profile,
        "has_reflection": True,
        "has_evaluation": True,
    }
    return CertificateFacts(**{**base, **changes})


def test_the_rule_lists_everything_and_each_unmet_thing_alone(course):
    everything = certificate_requirements(facts(course))
    assert [r.key for r in everything] == [
        "completed",
        "health_professional",
        "certificate_name",
        "profession",
        "registration_number",
        "reflection",
        "evaluation",
    ]
    assert all(r.met for r in everything)
    for change, key in [
        ({"completed": False}, "completed"),
        ({"is_clinician": False}, "health_professional"),
        ({"has_reflection": False}, "reflection"),
        ({"has_evaluation": False}, "evaluation"),
        ({"profile": None}, "certificate_name"),
    ]:
        unmet = [r.key for r in certificate_requirements(facts(course, **change)) if not r.met]
        assert key in unmet and (len(unmet) == 1 or change == {"profile": None})
    patient_course = CourseFactory(audience="patient")
    assert certificate_requirements(facts(patient_course)) == []


def test_a_short_reflection_is_refused_and_nothing_is_saved(course, api_client):
    user, _ = graduate(course)
    api_client.force_authenticate(user)
    short = {**PUT, "reflection": {"change": "Press the crest."}}
    response = api_client.put("/api/v1/courses/cpd/cpd-feedback/", short, format="json")
    assert response.status_code == 400
    assert "at least 15 words" in response.json()["detail"]
    assert response.json()["fields"]["change"].endswith("(you have 3).")
    out_of_range = {**PUT, "evaluation": {**RATINGS, "unbiased": 9}}
    response = api_client.put("/api/v1/courses/cpd/cpd-feedback/", out_of_range, format="json")
    assert response.status_code == 400 and "unbiased" in response.json()["evaluation"]
    assert not Reflection.objects.exists() and not Evaluation.objects.exists()
    assert not Certificate.objects.exists()


def test_the_api_saves_once_replaces_on_a_second_put_and_issues_the_certificate(
    course, api_client, on_commit
):
    user, completion = graduate(course)
    api_client.force_authenticate(user)
    before = api_client.get("/api/v1/courses/cpd/completion/").json()
    unmet = [r["key"] for r in before["certificate_requirements"] if not r["met"]]
    assert unmet == ["reflection", "evaluation"]
    assert api_client.get("/api/v1/courses/cpd/cpd-feedback/").json() == {
        "reflection": None,
        "evaluation": None,
        "certificate": None,
    }
    with on_commit():
        first = api_client.put("/api/v1/courses/cpd/cpd-feedback/", PUT, format="json").json()
    code = Certificate.objects.get().code
    assert first["certificate"] == code and first["evaluation"]["unbiased"] == 4
    again = {**PUT, "evaluation": {**RATINGS, "relevant": 5, "comment": "More cases, please."}}
    second = api_client.put("/api/v1/courses/cpd/cpd-feedback/", again, format="json").json()
    assert second["evaluation"]["relevant"] == 5 and second["certificate"] == code
    assert Evaluation.objects.get().comment == "More cases, please."
    assert (Reflection.objects.count(), Evaluation.objects.count()) == (1, 1)
    assert Certificate.objects.count() == 1
    after = api_client.get("/api/v1/courses/cpd/completion/").json()
    assert all(r["met"] for r in after["certificate_requirements"])


def test_before_completion_there_is_nothing_to_reflect_on(course, api_client, client):
    user = ClinicianFactory()
    api_client.force_authenticate(user)
    response = api_client.put("/api/v1/courses/cpd/cpd-feedback/", PUT, format="json")
    assert response.status_code == 403 and "when you finish the course" in response.json()["detail"]
    client.force_login(user)
    assert client.get("/courses/cpd/complete/reflect/").status_code == 302
    assert client.get("/courses/cpd/cpd-record/").status_code == 404


def test_the_certificates_page_names_exactly_what_is_missing(course, client):
    user, completion = graduate(course, registration_number="")
    client.force_login(user)
    page = client.get("/certificates/").content.decode()
    assert "your certificate is waiting" in page
    assert '<a href="/accounts/details/#id_registration_number">Registration number</a>' in page
    assert "#id_certificate_name" not in page and "#id_profession" not in page
    assert '<a href="/courses/cpd/complete/reflect/#reflection">' in page
    assert "No certificates yet" not in page
    reflect_and_evaluate(completion)
    page = client.get("/certificates/").content.decode()
    assert "#reflection" not in page and "#id_registration_number" in page


def test_the_cpd_record_has_the_activity_the_results_and_the_reflection(course, client):
    user, completion = graduate(course)
    quiz = course.quizzes.get()
    question = quiz.questions.get()
    for score, passed in ((50, False), (100, True)):
        Attempt.objects.create(user=user, quiz=quiz, score=score, passed=passed)
    mine = {**RATINGS}
    reflection = "I will <b>press</b> the crest & ask about belts before any scan. " * 3
    cpd_feedback_save(
        completion=completion,
        feedback=CpdFeedback(change=reflection, learned="", ratings=mine, comment=""),
    )
    client.force_login(user)
    page = client.get("/courses/cpd/cpd-record/").content.decode()
    assert "Dr Ada Lovelace" in page and "Module 1 quiz: anatomy" in page
    assert "<td>80%</td><td>100%</td><td>2</td>" in page
    assert "Tell the cluneal nerves apart." in page
    assert "I will &lt;b&gt;press&lt;/b&gt; the crest &amp; ask" in page and "<b>press" not in page
    assert Certificate.objects.get().code in page
    response = client.get("/courses/cpd/cpd-record/pdf/")
    assert response["Content-Type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.content)
    text = " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    text = " ".join(text.split())
    assert "CPD record" in text and "Dr Ada Lovelace" in text and "Module 1 quiz: anatomy" in text
    assert "I will <b>press</b> the crest & ask about belts" in text
    assert "What I will change in my practice" in text
    client.force_login(UserFactory())
    assert client.get("/courses/cpd/cpd-record/pdf/").status_code == 404
    assert question  # the quiz had its question


def test_editors_see_the_evaluations_in_aggregate_and_export_everything(
    course, client, django_assert_max_num_queries
):
    quiz = course.quizzes.get()
    lesson = course.lessons.get()
    for n, (rating, name) in enumerate([(5, "Zoë Ødegård"), (3, "=HYPERLINK(1)"), (4, "Bo")]):
        user = ClinicianFactory(name=name)
        completion = CourseCompletion.objects.create(
            user=user, course=course, completed_at=timezone.now()
        )
        LessonProgress.objects.create(
            user=user, lesson=lesson, course=course, engaged_seconds=600 + 60 * n
        )
        Attempt.objects.create(user=user, quiz=quiz, score=90, passed=True)
        cpd_feedback_save(
            completion=completion,
            feedback=CpdFeedback(
                change=CPD_FEEDBACK.change,
                learned="",
                ratings={**RATINGS, "relevant": rating},
                comment=f"Comment {n}" if n else "",
            ),
        )
    summary = evaluation_summary(course)
    relevant = summary.statements[list(Evaluation.STATEMENTS).index("relevant")]
    assert summary.evaluations == 3 and relevant.counts == [0, 0, 1, 1, 1]
    assert relevant.mean == 4.0 and relevant.agree == 67
    assert [c for _, c in summary.comments] == ["Comment 2", "Comment 1"]

    client.force_login(StaffFactory())
    with django_assert_max_num_queries(16):
        page = client.get(f"/admin/completion/coursecompletion/report/{course.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "Evaluations (3)" in html and "Comment 2" in html
    response = client.get(f"/admin/completion/coursecompletion/report/{course.pk}/csv/")
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header = rows[0]
    assert "Module 1 quiz: anatomy: sittings" in header and "change_in_practice" in header
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_name["Zoë Ødegård"]["minutes_read"] == "10"
    assert by_name["Zoë Ødegård"]["Module 1 quiz: anatomy: best %"] == "90"
    assert by_name["'=HYPERLINK(1)"]["rating: The course is relevant to my practice."] == "3"
    assert by_name["Bo"]["change_in_practice"] == CPD_FEEDBACK.change
