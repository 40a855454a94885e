"""Taking a quiz through the page and the API: access, no answer leaks, every bad input."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes.models import Answer, Attempt
from tests.factories import (
    DRAFT,
    ClinicianFactory,
    EnrollmentFactory,
    LessonFactory,
    QuizFactory,
    StaffFactory,
    UserFactory,
    question_with,
)

pytestmark = pytest.mark.django_db

REGIONS = [
    "upper-buttock",
    "sacroiliac",
    "sitting-bone",
    "back-of-thigh",
    "deep-mid-buttock",
    "side-of-hip",
]


@pytest.fixture
def quiz():
    quiz = QuizFactory(title="Module quiz", pass_mark=80)
    lesson = LessonFactory(module=quiz.module, slug="teaching-lesson")
    question_with(quiz, kind="single", correct=(1,), lesson=lesson, slug="single")
    question_with(quiz, kind="multiple", correct=(0, 2), options=5, slug="multiple")
    question_with(quiz, kind="pain_map", correct=(0,), regions=REGIONS, slug="map")
    return quiz


@pytest.fixture
def learner(quiz):
    user = ClinicianFactory()
    EnrollmentFactory(user=user, course=quiz.course)
    return user


def _ids(question, *indexes):
    choices = list(question.choices.order_by("order"))
    return [choices[i].pk for i in indexes]


def _all_right(quiz):
    q = {x.slug: x for x in quiz.questions.all()}
    return {
        q["single"].pk: _ids(q["single"], 1),
        q["multiple"].pk: _ids(q["multiple"], 0, 2),
        q["map"].pk: _ids(q["map"], 0),
    }


def _form(answers, key=None, confidence=2):
    """The form as the page sends it: each answer with how sure the learner is."""
    data = {f"q{qid}": [str(c) for c in cids] for qid, cids in answers.items()}
    data |= {f"q{qid}-confidence": str(confidence) for qid in answers}
    data["submission_key"] = str(key or uuid.uuid4())
    return data


def _api_body(answers, key=None):
    body = {"answers": [{"question": q, "choices": c} for q, c in answers.items()]}
    if key:
        body["submission_key"] = str(key)
    return body


# --- access ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "page", "api"),
    [
        ("anonymous", "Sign in to take this quiz", 401),
        ("not enrolled", "Enrol in", 403),
        ("enrolled", "Submit answers", 200),
        ("staff", "Submit answers", 200),
    ],
)
def test_who_may_take_a_module_quiz(client, api_client, quiz, learner, who, page, api):
    user = {
        "anonymous": None,
        "not enrolled": UserFactory(),
        "enrolled": learner,
        "staff": StaffFactory(),
    }[who]
    if user:
        client.force_login(user)
        api_client.force_authenticate(user)
    response = client.get(quiz.get_absolute_url())
    assert response.status_code == 200 and page in response.content.decode()
    assert api_client.get(f"/api/v1/quizzes/{quiz.pk}/").status_code == api


def test_quiz_of_a_draft_module_is_not_found(client, api_client, quiz, learner):
    quiz.module.status = DRAFT
    quiz.module.save()
    client.force_login(learner)
    api_client.force_authenticate(learner)
    assert client.get(quiz.get_absolute_url()).status_code == 404
    assert api_client.get(f"/api/v1/quizzes/{quiz.pk}/").status_code == 404
    response = api_client.post(
        f"/api/v1/quizzes/{quiz.pk}/attempts/", _api_body(_all_right(quiz)), format="json"
    )
    assert response.status_code == 404 and not Attempt.objects.exists()


def test_free_lessons_self_check_is_open_to_any_signed_in_user(client):
    lesson = LessonFactory(is_free=True)
    check = QuizFactory(module=lesson.module, lesson=lesson)
    question_with(check)
    client.force_login(UserFactory())
    assert "Submit answers" in client.get(check.get_absolute_url()).content.decode()


def test_signing_in_from_a_quiz_comes_back_to_the_quiz(client):
    lesson = LessonFactory(is_free=True)
    check = QuizFactory(module=lesson.module, lesson=lesson)
    question_with(check)
    page = client.get(check.get_absolute_url()).content.decode()
    back = f"?next=%2Fquizzes%2F{check.pk}%2F"
    assert f'href="/accounts/signup/{back}">Sign up free</a>' in page
    assert f'href="/accounts/login/{back}"' in page


def test_self_check_of_a_locked_lesson_needs_enrolment(client):
    lesson = LessonFactory()
    check = QuizFactory(module=lesson.module, lesson=lesson)
    question_with(check)
    client.force_login(UserFactory())
    assert "Enrol in" in client.get(check.get_absolute_url()).content.decode()


# --- no answers before submission -------------------------------------------------------


def test_answers_and_explanations_never_reach_the_browser_before_submission(
    client, api_client, quiz, learner
):
    client.force_login(learner)
    api_client.force_authenticate(learner)
    page = client.get(quiz.get_absolute_url()).content.decode()
    data = api_client.get(f"/api/v1/quizzes/{quiz.pk}/").content.decode()
    for source in (page, data):
        assert "EXPLANATION-" not in source
        assert "is_correct" not in source and "is-correct" not in source
    assert '"correct"' not in data
    assert len(api_client.get(f"/api/v1/quizzes/{quiz.pk}/").json()["questions"]) == 3


# --- submitting through the page ----------------------------------------------------------


def test_page_submission_scores_and_explains_every_option(client, quiz, learner):
    client.force_login(learner)
    answers = _all_right(quiz)
    q = {x.slug: x for x in quiz.questions.all()}
    answers[q["multiple"].pk] = _ids(q["multiple"], 0)  # half of the multiple answer
    response = client.post(quiz.get_absolute_url(), _form(answers))
    attempt = Attempt.objects.get()
    assert response.url == attempt.get_absolute_url()
    assert float(attempt.score) == 83.33 and attempt.passed
    page = client.get(response.url).content.decode()
    explanations = [c.explanation for x in quiz.questions.all() for c in x.choices.all()]
    assert all(e in page for e in explanations)
    assert "partly right (50%)" in page
    assert "You passed “Module quiz”: 83.33%" in page


def test_missed_question_links_to_its_lesson(client, quiz, learner):
    client.force_login(learner)
    answers = _all_right(quiz)
    single = quiz.questions.get(slug="single")
    answers[single.pk] = _ids(single, 0)
    response = client.post(quiz.get_absolute_url(), _form(answers))
    page = client.get(response.url).content.decode()
    assert "Not passed yet" in page and "You did not pass this time" in page
    study = page[page.index("What to study first") :]
    assert '<li><a href="/courses/' in study and "teaching-lesson" in study


def test_unanswered_questions_are_named_and_choices_kept(client, quiz, learner):
    client.force_login(learner)
    answers = _all_right(quiz)
    single = quiz.questions.get(slug="single")
    del answers[single.pk]
    response = client.post(quiz.get_absolute_url(), _form(answers))
    assert response.status_code == 400
    page = response.content.decode()
    assert "1 question needs an answer" in page and "Question 1: Choose an answer." in page
    multiple = quiz.questions.get(slug="multiple")
    compact = " ".join(page.split())
    for choice_id in answers[multiple.pk]:
        assert f'value="{choice_id}" checked' in compact
    assert not Attempt.objects.exists()


def test_double_click_records_one_attempt(client, quiz, learner):
    client.force_login(learner)
    form = _form(_all_right(quiz))
    first = client.post(quiz.get_absolute_url(), form)
    second = client.post(quiz.get_absolute_url(), form)
    assert first.url == second.url
    assert Attempt.objects.count() == 1


def test_course_page_shows_best_and_latest(client, quiz, learner):
    client.force_login(learner)
    client.post(quiz.get_absolute_url(), _form(_all_right(quiz)))
    wrong = _all_right(quiz)
    single = quiz.questions.get(slug="single")
    wrong[single.pk] = _ids(single, 0)
    client.post(quiz.get_absolute_url(), _form(wrong))
    page = client.get(quiz.course.get_absolute_url()).content.decode()
    assert "best 100%, latest 66.67%" in page
    assert "Passed" in page


# --- the API ------------------------------------------------------------------------------


def test_api_submission_returns_feedback_and_lists_attempts(api_client, quiz, learner):
    api_client.force_authenticate(learner)
    key = uuid.uuid4()
    response = api_client.post(
        f"/api/v1/quizzes/{quiz.pk}/attempts/", _api_body(_all_right(quiz), key), format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["passed"] is True and body["score"] == "100.00"
    options = [o for q in body["feedback"] for o in q["options"]]
    assert all(o["explanation"].startswith("EXPLANATION-") for o in options)
    assert api_client.get("/api/v1/attempts/").json()["results"][0]["id"] == body["id"]
    assert api_client.get(f"/api/v1/attempts/{body['id']}/").json()["feedback"]


@pytest.fixture
def other_quiz_question(quiz):
    other = QuizFactory(module=quiz.module)
    return question_with(other)


BAD = [
    ("option of another question", 400, "does not belong to question"),
    ("question of another quiz", 400, "is not part of this quiz"),
    ("empty answer", 400, "need"),
    ("missing question", 400, "need"),
    ("two answers to a single question", 400, "need"),
    ("same question twice", 400, "answered twice"),
    ("no answers at all", 400, "answers"),
    ("not a list", 400, "answers"),
]


@pytest.mark.parametrize(("case", "status", "message"), BAD, ids=[b[0] for b in BAD])
def test_api_bad_submissions_are_4xx_with_a_message_and_save_nothing(
    api_client, quiz, learner, other_quiz_question, case, status, message
):
    api_client.force_authenticate(learner)
    answers = _all_right(quiz)
    single = quiz.questions.get(slug="single")
    multiple = quiz.questions.get(slug="multiple")
    body = _api_body(answers)
    if case == "option of another question":
        answers[single.pk] = _ids(multiple, 0)
        body = _api_body(answers)
    elif case == "question of another quiz":
        answers[other_quiz_question.pk] = _ids(other_quiz_question, 0)
        body = _api_body(answers)
    elif case == "empty answer":
        answers[single.pk] = []
        body = _api_body(answers)
    elif case == "missing question":
        del answers[single.pk]
        body = _api_body(answers)
    elif case == "two answers to a single question":
        answers[single.pk] = _ids(single, 0, 1)
        body = _api_body(answers)
    elif case == "same question twice":
        body["answers"].append({"question": single.pk, "choices": _ids(single, 1)})
    elif case == "no answers at all":
        body = {"answers": []}
    elif case == "not a list":
        body = {"answers": "all of them"}
    response = api_client.post(f"/api/v1/quizzes/{quiz.pk}/attempts/", body, format="json")
    assert response.status_code == status
    assert message in str(response.json())
    assert not Attempt.objects.exists() and not Answer.objects.exists()


def test_api_duplicate_submission_is_409_and_names_the_attempt(api_client, quiz, learner):
    api_client.force_authenticate(learner)
    body = _api_body(_all_right(quiz), uuid.uuid4())
    first = api_client.post(f"/api/v1/quizzes/{quiz.pk}/attempts/", body, format="json")
    second = api_client.post(f"/api/v1/quizzes/{quiz.pk}/attempts/", body, format="json")
    assert second.status_code == 409
    assert second.json()["attempt"] == first.json()["id"]
    assert Attempt.objects.count() == 1


def test_api_quiz_one_may_not_take_is_403_and_saves_nothing(api_client, quiz):
    api_client.force_authenticate(UserFactory())
    response = api_client.post(
        f"/api/v1/quizzes/{quiz.pk}/attempts/", _api_body(_all_right(quiz)), format="json"
    )
    assert response.status_code == 403 and "Enrol" in response.json()["detail"]
    assert not Attempt.objects.exists()


def test_someone_elses_attempt_is_not_found(client, api_client, quiz, learner):
    client.force_login(learner)
    client.post(quiz.get_absolute_url(), _form(_all_right(quiz)))
    attempt = Attempt.objects.get()
    stranger = UserFactory()
    client.force_login(stranger)
    api_client.force_authenticate(stranger)
    assert client.get(attempt.get_absolute_url()).status_code == 404
    assert api_client.get(f"/api/v1/attempts/{attempt.pk}/").status_code == 404


def test_schema_describes_the_quiz_api(api_client):
    paths = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    assert "/api/v1/quizzes/{id}/" in paths
    assert "/api/v1/quizzes/{id}/attempts/" in paths
    assert "/api/v1/attempts/{id}/" in paths


# --- speed ----------------------------------------------------------------------------------


def _count(client, method, url, data=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        getattr(client, method)(url, data) if data else getattr(client, method)(url)
    return len(queries)


def test_quiz_and_result_pages_have_fixed_query_counts(client, quiz, learner):
    client.force_login(learner)
    open_small = _count(client, "get", quiz.get_absolute_url())  # draws a sitting
    take_small = _count(client, "get", quiz.get_absolute_url())  # shows it again
    submit_small = _count(client, "post", quiz.get_absolute_url(), _form(_all_right(quiz)))
    result_small = _count(client, "get", Attempt.objects.latest("submitted_at").get_absolute_url())
    for i in range(10):
        question_with(quiz, correct=(0,), slug=f"extra-{i}")
    answers = _all_right(quiz) | {
        q.pk: _ids(q, 0) for q in quiz.questions.filter(slug__startswith="extra")
    }
    # Passed, so the retake opens at once: a new sitting of all 13 (no twins here).
    assert _count(client, "get", quiz.get_absolute_url()) == open_small
    assert _count(client, "get", quiz.get_absolute_url()) == take_small
    assert _count(client, "post", quiz.get_absolute_url(), _form(answers)) == submit_small
    latest = Attempt.objects.latest("submitted_at").get_absolute_url()
    assert _count(client, "get", latest) == result_small
    assert max(open_small, take_small, submit_small, result_small) <= 26
