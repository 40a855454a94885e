"""How sure the learner is, on every quiz answer: asked on the page (required) and taken
by the API (optional), saved with the answer, announced to the apps above, and turned
into a certainty-based mark on the results, apart from the plain score."""

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes import signals
from quizzes.models import Answer, Attempt, Confidence
from quizzes.services import attempt_submit
from tests.factories import (
    ClinicianFactory,
    EnrollmentFactory,
    LessonFactory,
    QuizFactory,
    question_with,
)

pytestmark = pytest.mark.django_db

REGIONS = ["upper-buttock", "sacroiliac", "sitting-bone", "back-of-thigh"]
GUESSING, FAIRLY_SURE, SURE = (c.value for c in Confidence)


@pytest.fixture
def quiz():
    # No cool-down, so that a test may sit it again after a fail.
    quiz = QuizFactory(title="Anatomy quiz", pass_mark=60, retake_after_hours=0)
    lesson = LessonFactory(module=quiz.module, title="The cluneal nerves", slug="cluneal")
    question_with(quiz, correct=(1,), lesson=lesson, slug="single", prompt="Which nerve?")
    question_with(quiz, kind="multiple", correct=(0, 2), options=5, slug="multiple")
    question_with(quiz, kind="pain_map", correct=(0,), regions=REGIONS, slug="map")
    return quiz


@pytest.fixture
def learner(quiz):
    user = ClinicianFactory()
    EnrollmentFactory(user=user, course=quiz.course)
    return user


def _by_slug(quiz):
    return {q.slug: q for q in quiz.questions.all()}


def _ids(question, *indexes):
    choices = list(question.choices.order_by("order"))
    return [choices[i].pk for i in indexes]


def _right(quiz):
    q = _by_slug(quiz)
    return {
        q["single"].pk: _ids(q["single"], 1),
        q["multiple"].pk: _ids(q["multiple"], 0, 2),
        q["map"].pk: _ids(q["map"], 0),
    }


def _form(answers, confidences, key=None):
    data = {f"q{qid}": [str(c) for c in cids] for qid, cids in answers.items()}
    data |= {f"q{qid}-confidence": str(c) for qid, c in confidences.items()}
    data["submission_key"] = str(key or uuid.uuid4())
    return data


def _compact(response) -> str:
    return " ".join(response.content.decode().split())


# --- asking on the page -----------------------------------------------------------------


def test_every_question_asks_how_sure_in_a_fieldset_after_its_options(client, quiz, learner):
    client.force_login(learner)
    page = _compact(client.get(quiz.get_absolute_url()))
    assert page.count("<legend>How sure are you?</legend>") == 3
    for question in quiz.questions.all():
        name = f"q{question.pk}-confidence"
        for value, label in Confidence.choices:
            assert f'id="{name}-{value}" name="{name}" value="{value}"' in page
            assert f'<label for="{name}-{value}">' in page and f"> {label}</label>" in page
        # After the options: the question's last option comes before its confidence.
        last_option = question.choices.order_by("order").last().pk
        assert page.index(f'value="{last_option}"') < page.index(f'id="{name}"')
    assert "+1, +2 or +3 for a right answer" in page


def test_a_question_without_confidence_is_named_and_every_choice_is_kept(client, quiz, learner):
    client.force_login(learner)
    q = _by_slug(quiz)
    answers = _right(quiz)
    confidences = {q["single"].pk: SURE, q["map"].pk: GUESSING}  # none for "multiple"
    response = client.post(quiz.get_absolute_url(), _form(answers, confidences))
    assert response.status_code == 400
    page = _compact(response)
    assert "Say how sure you are for 1 question before the quiz can be marked." in page
    name = f"q{q['multiple'].pk}-confidence"
    assert f'<a href="#{name}">Question 2: Say how sure you are.</a>' in page
    assert f'class="confidence has-error" id="{name}" aria-describedby="{name}-error"' in page
    assert f'<p class="field-error" id="{name}-error">Say how sure you are.</p>' in page
    # The answers and the confidences given are on the page again.
    for choice_id in answers[q["multiple"].pk]:
        assert f'value="{choice_id}" checked' in page
    assert f'name="q{q["single"].pk}-confidence" value="{SURE}" checked' in page
    assert f'name="q{q["map"].pk}-confidence" value="{GUESSING}" checked' in page
    form = page[page.index('<form method="post" class="quiz"') :]
    assert form[: form.index("</form>")].count(" checked") == 4 + 2  # options, confidences
    assert not Attempt.objects.exists()


def test_a_missing_answer_and_a_missing_confidence_are_both_said(client, quiz, learner):
    client.force_login(learner)
    q = _by_slug(quiz)
    answers = _right(quiz)
    del answers[q["single"].pk]
    confidences = {q["map"].pk: SURE}
    response = client.post(quiz.get_absolute_url(), _form(answers, confidences))
    page = _compact(response)
    assert response.status_code == 400
    assert "1 question needs an answer, and 2 how sure you are, before the quiz" in page
    assert "Question 1: Choose an answer. Say how sure you are.</a>" in page
    assert "Question 2: Say how sure you are." in page
    assert "Question 3: Say how sure you are." not in page


@pytest.mark.parametrize("value", ["0", "4", "sure", "", "2.0", "²"])
def test_a_confidence_that_is_not_one_counts_as_none_given(client, quiz, learner, value):
    client.force_login(learner)
    confidences = dict.fromkeys(_right(quiz), SURE)
    data = _form(_right(quiz), confidences)
    data[f"q{_by_slug(quiz)['map'].pk}-confidence"] = value
    response = client.post(quiz.get_absolute_url(), data)
    assert response.status_code == 400
    assert "Question 3: Say how sure you are." in _compact(response)
    assert not Attempt.objects.exists()


def test_the_page_saves_each_confidence_and_announces_it(client, quiz, learner):
    heard = []

    def receiver(sender, results, **kwargs):
        heard.extend(results)

    signals.attempt_recorded.connect(receiver)
    try:
        client.force_login(learner)
        q = _by_slug(quiz)
        confidences = {q["single"].pk: SURE, q["multiple"].pk: FAIRLY_SURE, q["map"].pk: GUESSING}
        response = client.post(quiz.get_absolute_url(), _form(_right(quiz), confidences))
    finally:
        signals.attempt_recorded.disconnect(receiver)
    assert response.status_code == 302
    saved = dict(Answer.objects.values_list("question_id", "confidence"))
    assert saved == confidences
    assert {r.question.pk: r.confidence for r in heard} == confidences
    assert all(r.answer.confidence == r.confidence for r in heard)


def test_the_service_refuses_a_confidence_that_is_not_one(quiz, learner):
    answers = _right(quiz)
    some = next(iter(answers))
    with pytest.raises(Exception, match="not one of 1"):
        attempt_submit(user=learner, quiz=quiz, answers=answers, confidences={some: 5})
    assert not Attempt.objects.exists()


# --- pass and fail stay on plain accuracy ---------------------------------------------------


def test_confidence_changes_the_certainty_mark_never_the_score_or_the_pass(quiz, learner):
    q = _by_slug(quiz)
    answers = _right(quiz) | {q["single"].pk: _ids(q["single"], 0)}  # 2 of 3: 66.67%
    sure = attempt_submit(
        user=learner, quiz=quiz, answers=answers, confidences=dict.fromkeys(answers, SURE)
    )
    guessing = attempt_submit(
        user=learner, quiz=quiz, answers=answers, confidences=dict.fromkeys(answers, GUESSING)
    )
    plain = attempt_submit(user=learner, quiz=quiz, answers=answers)
    assert sure.score == guessing.score == plain.score == Decimal("66.67")
    assert sure.passed and guessing.passed and plain.passed


# --- the results page ------------------------------------------------------------------


def _sit(quiz, learner, answers, confidences):
    return attempt_submit(user=learner, quiz=quiz, answers=answers, confidences=confidences)


def test_results_show_the_certainty_mark_its_table_and_what_to_study_first(client, quiz, learner):
    q = _by_slug(quiz)
    answers = _right(quiz) | {q["single"].pk: _ids(q["single"], 0)}  # single: wrong
    answers[q["multiple"].pk] = _ids(q["multiple"], 0)  # multiple: half right
    confidences = {q["single"].pk: SURE, q["multiple"].pk: FAIRLY_SURE, q["map"].pk: SURE}
    attempt = _sit(quiz, learner, answers, confidences)
    client.force_login(learner)
    page = _compact(client.get(attempt.get_absolute_url()))
    # −6 (sure, wrong) + 0 (fairly sure, half: 2·½ − 2·½) + 3 (sure, right) = −3 over 3.
    assert "Certainty-based mark: <strong>−1</strong> per question, from −6 to +3." in page
    table = page[page.index("<table") : page.index("</table>")]
    assert '<th scope="col" class="num">Partly right</th>' in table
    assert '<th scope="row">Guessing</th><td>0</td><td>0</td><td>0</td>' in table
    assert '<th scope="row">Fairly sure</th><td>0</td><td>1</td><td>0</td>' in table
    assert '<th scope="row">Sure</th><td>1</td><td>0</td><td>1</td>' in table
    # Wrong though sure, and partly right though fairly sure: study these first, with
    # a link to each question's feedback and to its lesson.
    first = page[page.index("Study these first") : page.index("</ol>")]
    assert f'<a href="#fb-{q["single"].pk}">Question 1: Which nerve?</a>' in first
    assert "(you said sure)" in first and "The cluneal nerves" in first
    assert f'href="{q["single"].lesson.get_absolute_url()}"' in first
    assert f'<a href="#fb-{q["multiple"].pk}">Question 2:' in first
    assert first.index("Question 1:") < first.index("Question 2:")  # the surest first
    assert f"#fb-{q['map'].pk}" not in first
    assert page.index("Study these first") < page.index("What to study first")
    # Each question's feedback says how sure the learner was, and what it earned.
    assert "You said: Sure · certainty-based mark −6" in page
    assert "You said: Fairly sure · certainty-based mark 0" in page
    assert "You said: Sure · certainty-based mark +3" in page


def test_while_a_failed_quiz_cools_down_the_confident_mistakes_come_first(client, quiz, learner):
    quiz.retake_after_hours = 24
    quiz.save()
    q = _by_slug(quiz)
    answers = _right(quiz) | {q["single"].pk: _ids(q["single"], 0), q["map"].pk: _ids(q["map"], 1)}
    attempt = _sit(quiz, learner, answers, dict.fromkeys(answers, FAIRLY_SURE))
    assert not attempt.passed
    client.force_login(learner)
    page = _compact(client.get(quiz.get_absolute_url()))
    assert "You can retake this quiz from" in page
    assert (
        "Start with the 2 answers you felt sure of that were not right: "
        f'<a href="{attempt.get_absolute_url()}#study-these-first">study these first</a>.'
    ) in page


def test_a_guess_that_was_wrong_is_not_called_out(client, quiz, learner):
    q = _by_slug(quiz)
    answers = _right(quiz) | {q["single"].pk: _ids(q["single"], 0)}
    attempt = _sit(quiz, learner, answers, dict.fromkeys(answers, GUESSING))
    client.force_login(learner)
    page = _compact(client.get(attempt.get_absolute_url()))
    assert "Certainty-based mark: <strong>+0.7</strong> per question" in page
    assert "Study these first" not in page
    assert "Partly right" not in page  # no partly right answer: no column for it


def test_an_attempt_with_some_confidences_marks_those_and_says_so(client, quiz, learner):
    q = _by_slug(quiz)
    attempt = _sit(quiz, learner, _right(quiz), {q["single"].pk: SURE, q["map"].pk: FAIRLY_SURE})
    client.force_login(learner)
    page = _compact(client.get(attempt.get_absolute_url()))
    assert "Certainty-based mark: <strong>+2.5</strong> per question" in page
    assert "It counts the 2 of 3 answers where you said how sure you were." in page


def test_an_attempt_without_confidences_shows_no_certainty_mark(client, quiz, learner):
    attempt = _sit(quiz, learner, _right(quiz), {})
    client.force_login(learner)
    page = _compact(client.get(attempt.get_absolute_url()))
    assert "You passed" in page
    assert "Certainty-based mark" not in page and "How sure you were" not in page
    assert "You said:" not in page


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_results_with_confident_mistakes_have_a_fixed_query_count(client, quiz, learner):
    client.force_login(learner)
    q = _by_slug(quiz)
    # Both attempts fail, so that the page takes the same way for both.
    answers = _right(quiz) | {q["single"].pk: _ids(q["single"], 0), q["map"].pk: _ids(q["map"], 1)}
    small = _sit(quiz, learner, answers, dict.fromkeys(answers, SURE))
    small_count = _queries(client, small.get_absolute_url())
    for i in range(10):
        question_with(quiz, correct=(0,), lesson=q["single"].lesson, slug=f"extra-{i}")
    answers = {
        question.pk: _ids(question, 1 if question.slug.startswith("extra") else 0)
        for question in quiz.questions.all()
    }
    big = _sit(quiz, learner, answers, dict.fromkeys(answers, SURE))
    page = _compact(client.get(big.get_absolute_url()))
    assert page.count("(you said sure)") >= 10
    assert _queries(client, big.get_absolute_url()) == small_count


def test_the_quiz_page_asking_confidence_keeps_its_query_count(client, quiz, learner):
    client.force_login(learner)
    url = quiz.get_absolute_url()
    client.get(url)  # draws the sitting
    shown = _queries(client, url)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, _form(_right(quiz), {}))
    assert response.status_code == 400
    again = len(queries)
    for i in range(10):
        question_with(quiz, correct=(0,), slug=f"extra-{i}")
    client.post(url, _form(_right(quiz), dict.fromkeys(_right(quiz), SURE)))  # passes
    client.get(url)  # practice: a new sitting of all 13
    assert _queries(client, url) == shown
    with CaptureQueriesContext(connection) as queries:
        assert client.post(url, _form(_right(quiz), {})).status_code == 400
    assert len(queries) == again


# --- the API ------------------------------------------------------------------------------


def _body(answers, confidences):
    return {
        "answers": [
            {"question": qid, "choices": cids}
            | ({"confidence": confidences[qid]} if qid in confidences else {})
            for qid, cids in answers.items()
        ]
    }


def test_api_takes_a_confidence_per_answer_and_gives_the_marks_back(api_client, quiz, learner):
    api_client.force_authenticate(learner)
    q = _by_slug(quiz)
    answers = _right(quiz) | {q["single"].pk: _ids(q["single"], 0)}
    confidences = {q["single"].pk: FAIRLY_SURE, q["multiple"].pk: SURE, q["map"].pk: None}
    response = api_client.post(
        f"/api/v1/quizzes/{quiz.pk}/attempts/", _body(answers, confidences), format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["cbm"] == "0.50"  # (−2 + 3) over the two answers with a confidence
    assert body["score"] == "66.67" and body["passed"] is True
    by_id = {item["id"]: item for item in body["feedback"]}
    assert by_id[q["single"].pk]["confidence"] == 2 and by_id[q["single"].pk]["cbm_mark"] == -2
    assert by_id[q["multiple"].pk]["confidence"] == 3 and by_id[q["multiple"].pk]["cbm_mark"] == 3
    assert by_id[q["map"].pk]["confidence"] is None and by_id[q["map"].pk]["cbm_mark"] is None
    saved = dict(Answer.objects.values_list("question_id", "confidence"))
    assert saved == confidences
    again = api_client.get(f"/api/v1/attempts/{body['id']}/").json()
    assert again["cbm"] == "0.50" and again["feedback"] == body["feedback"]


def test_api_answers_without_confidence_have_no_certainty_mark(api_client, quiz, learner):
    api_client.force_authenticate(learner)
    response = api_client.post(
        f"/api/v1/quizzes/{quiz.pk}/attempts/", _body(_right(quiz), {}), format="json"
    )
    assert response.status_code == 201 and response.json()["cbm"] is None
    assert not Answer.objects.filter(confidence__isnull=False).exists()


@pytest.mark.parametrize("value", [0, 4, -1, "sure", 1.5, [1], True])
def test_api_confidence_that_is_not_1_2_or_3_is_a_400_and_saves_nothing(
    api_client, quiz, learner, value
):
    api_client.force_authenticate(learner)
    answers = _right(quiz)
    body = _body(answers, dict.fromkeys(answers, SURE))
    body["answers"][1]["confidence"] = value
    response = api_client.post(f"/api/v1/quizzes/{quiz.pk}/attempts/", body, format="json")
    assert response.status_code == 400
    assert "Confidence is 1 (guessing), 2 (fairly sure) or 3 (sure)" in str(response.json())
    assert not Attempt.objects.exists()


def test_schema_documents_confidence_and_the_certainty_marks(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    parts = schema["components"]["schemas"]
    answer_in = parts["AnswerInRequest"]["properties"]["confidence"]
    assert "guessing" in answer_in["description"] and answer_in["nullable"] is True
    assert "confidence" not in parts["AnswerInRequest"]["required"]
    attempt = parts["Attempt"]["properties"]
    assert attempt["cbm"]["nullable"] is True and "−6 to +3" in attempt["cbm"]["description"]
    feedback = parts["QuestionFeedback"]["properties"]
    assert {"confidence", "cbm_mark"} <= set(feedback)
    assert feedback["cbm_mark"]["nullable"] is True
