"""An attempt keeps the version of each question the learner answered: after a question
is revised, the attempt's page shows it as it was answered, words, options and right
answers, or, without a record of that version, says that it has been revised."""

import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from course.models import Revision
from quizzes.models import Attempt, Question
from quizzes.versions import question_data
from tests.factories import ClinicianFactory, EnrollmentFactory, QuizFactory, question_with

pytestmark = pytest.mark.django_db


def publish_version(question: Question, number: int) -> None:
    Revision.objects.create(
        content_type=ContentType.objects.get_for_model(Question),
        object_id=question.pk,
        status=Revision.Status.PUBLISHED,
        number=number,
        data=question_data(question),
    )


@pytest.fixture
def answered():
    """A learner answered two questions at version 1, choosing the first option of each
    (right at the time)."""
    quiz = QuizFactory(pass_mark=50)
    learner = ClinicianFactory()
    EnrollmentFactory(user=learner, course=quiz.course)
    questions = [
        question_with(quiz, correct=(0,), prompt="Which nerve, at version one?"),
        question_with(quiz, correct=(0,), prompt="Which muscle, at version one?"),
    ]
    data = {"submission_key": str(uuid.uuid4())}
    for q in questions:
        data[f"q{q.pk}"] = [str(q.choices.order_by("order").first().pk)]
        data[f"q{q.pk}-confidence"] = "3"
    return quiz, learner, questions, data


def revise(question: Question) -> None:
    """Version 2: a new prompt, the first option reworded and now wrong, the second right."""
    first, second = list(question.choices.order_by("order"))[:2]
    first.text, first.is_correct, first.explanation = "Reworded option", False, "NOW-WRONG"
    second.is_correct = True
    first.save()
    second.save()
    question.prompt, question.version = "Which nerve, at version two?", 2
    question.save()


def test_an_attempt_answered_at_v1_shows_v1_after_v2_is_published(client, answered):
    quiz, learner, questions, data = answered
    client.force_login(learner)
    response = client.post(quiz.get_absolute_url(), data)
    attempt = Attempt.objects.get()
    publish_version(questions[0], 1)
    revise(questions[0])
    publish_version(questions[0], 2)

    page = client.get(response.url).content.decode()

    assert "Which nerve, at version one?" in page
    assert "Which nerve, at version two?" not in page
    assert "Reworded option" not in page and "NOW-WRONG" not in page
    assert "shown here as you answered it" in page
    # The option chosen is still the learner's answer, and right, as it was then.
    first = page[page.index(f'id="fb-{questions[0].pk}"') :]
    option = first[: first.index("</li>")]
    assert "Correct" in option and "Your answer" in option
    # The other question, not revised, is as it is.
    assert "Which muscle, at version one?" in page
    assert page.count("revised since you answered it") == 1
    assert attempt.passed


def test_without_a_record_of_the_version_the_page_says_it_was_revised(client, answered):
    quiz, learner, questions, data = answered
    client.force_login(learner)
    response = client.post(quiz.get_absolute_url(), data)
    revise(questions[0])  # no revision rows at all

    page = client.get(response.url).content.decode()

    assert "Which nerve, at version two?" in page
    assert "This question has been revised since you answered it." in page
    assert "shown here as you answered it" not in page


def test_the_versions_answered_are_read_in_one_query(client, answered):
    quiz, learner, questions, data = answered
    client.force_login(learner)
    response = client.post(quiz.get_absolute_url(), data)
    client.get(response.url)  # the session and the content types are read and cached
    with CaptureQueriesContext(connection) as unrevised:
        client.get(response.url)
    for q in questions:
        publish_version(q, 1)
        revise(q)
        publish_version(q, 2)

    with CaptureQueriesContext(connection) as revised:
        page = client.get(response.url).content.decode()

    assert page.count("shown here as you answered it") == 2
    # One more query, for both questions' versions, whatever the number revised.
    assert len(revised) == len(unrevised) + 1, [q["sql"] for q in revised]


def test_the_api_gives_the_attempt_as_answered_too(client, answered):
    quiz, learner, questions, data = answered
    client.force_login(learner)
    client.post(quiz.get_absolute_url(), data)
    attempt = Attempt.objects.get()
    publish_version(questions[0], 1)
    revise(questions[0])
    publish_version(questions[0], 2)

    body = client.get(f"/api/v1/attempts/{attempt.pk}/").json()

    first = next(f for f in body["feedback"] if f["id"] == questions[0].pk)
    assert first["prompt"] == "Which nerve, at version one?"
    labels = [o["label"] for o in first["options"]]
    assert "Reworded option" not in labels and "NOW-WRONG" not in str(first["options"])
    assert next(o for o in first["options"] if o["chosen"])["correct"]  # right, then
