"""Editors preview a question as a learner meets it in the quiz, then its feedback: the
question as learners see it now, or a revision of it (a draft before it is published).
Nobody else can open the preview."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from course.models import Revision
from quizzes.models import Question
from quizzes.painmap import REGIONS
from quizzes.versions import question_data
from tests.factories import (
    ClinicianFactory,
    EnrollmentFactory,
    QuizFactory,
    StaffFactory,
    question_with,
)

pytestmark = pytest.mark.django_db


def preview_url(question: Question, revision: Revision | None = None) -> str:
    url = reverse("quizzes:question_preview", args=[question.pk])
    return f"{url}?revision={revision.pk}" if revision else url


def draft_of(question: Question, **changes) -> Revision:
    data = question_data(question) | changes
    return Revision.objects.create(
        content_type=ContentType.objects.get_for_model(Question),
        object_id=question.pk,
        status=Revision.Status.DRAFT,
        data=data,
    )


@pytest.fixture
def question():
    return question_with(QuizFactory(), correct=(1,), prompt="Live prompt?")


def test_the_preview_shows_the_question_as_the_quiz_asks_it_then_every_option_explained(
    client, question, django_assert_num_queries
):
    client.force_login(StaffFactory())
    client.get(preview_url(question))  # the session is read and cached
    # The session, the user, the question, its options, and the footer's newsletter form (2).
    with django_assert_num_queries(6):
        page = client.get(preview_url(question)).content.decode()
    assert "Live prompt?" in page and "Choose one." in page
    choices = list(question.choices.order_by("order"))
    for choice in choices:
        assert f'type="radio" id="q{question.pk}-{choice.pk}"' in page
        assert choice.explanation in page
    feedback = page[page.index("After the answer") :]
    right = feedback[feedback.index(choices[1].text) :]
    assert right.index("Correct") < right.index("</li>")
    assert "Submit answers" not in page  # nothing to send


def test_a_draft_is_previewed_with_its_own_words_and_options(client, question):
    rows = question_data(question)["choices"]
    rows[0] |= {"text": "Reworded first option", "explanation": "DRAFT-WHY"}
    new = {
        "id": None,
        "text": "A brand new option",
        "region": "",
        "is_correct": False,
        "explanation": "NEW-WHY",
        "order": 99,
        "retired": False,
        "source": "",
    }
    rows[2] |= {"retired": True}
    draft = draft_of(question, prompt="Draft prompt?", choices=[*rows, new])
    client.force_login(StaffFactory())

    page = client.get(preview_url(question, draft)).content.decode()

    assert "Draft prompt?" in page and "Live prompt?" not in page
    assert "Reworded first option" in page and "DRAFT-WHY" in page
    assert "A brand new option" in page and "NEW-WHY" in page
    assert rows[2]["text"] not in page  # retired in the draft: not offered
    assert "not yet seen by learners" in page
    question.refresh_from_db()
    assert question.prompt == "Live prompt?"


def test_a_pain_map_question_is_previewed_on_the_map(client):
    quiz = QuizFactory()
    question = question_with(quiz, kind="pain_map", correct=(0,), regions=[r.key for r in REGIONS])
    client.force_login(StaffFactory())
    page = client.get(preview_url(question)).content.decode()
    assert "pm-choose" in page and "pm-figure" in page


def test_learners_and_visitors_cannot_open_the_preview(client, question):
    draft = draft_of(question, prompt="Draft prompt?")
    assert client.get(preview_url(question, draft)).status_code == 404
    learner = ClinicianFactory()
    EnrollmentFactory(user=learner, course=question.quiz.course)
    client.force_login(learner)
    assert client.get(preview_url(question, draft)).status_code == 404
    assert client.get(preview_url(question)).status_code == 404


def test_a_revision_of_another_question_or_no_revision_is_not_found(client, question):
    other = draft_of(question_with(question.quiz, correct=(0,)), prompt="Other draft")
    client.force_login(StaffFactory())
    assert client.get(preview_url(question, other)).status_code == 404
    url = reverse("quizzes:question_preview", args=[question.pk])
    assert client.get(f"{url}?revision=abc").status_code == 404
    assert client.get(f"{url}?revision=99999999").status_code == 404
