"""A module quiz is a pool of near-miss twins: each sitting presents a draw, a failed quiz
cools down before a retake, and the retake serves the other twins. A lesson's
self-check keeps every question and no wait."""

import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from course.content_loader import load_content
from quizzes import services
from quizzes.models import Attempt, Question, Quiz, Sitting
from quizzes.services import attempt_feedback, attempt_submit
from quizzes.sittings import RetakeNotYet, sitting_open, sitting_questions
from tests.factories import (
    ClinicianFactory,
    EnrollmentFactory,
    LessonFactory,
    QuizFactory,
    UserFactory,
    question_with,
)

pytestmark = pytest.mark.django_db

# Friday 27 November 2026, 12:00 UTC: a failed attempt then opens again 24 hours later.
NOON = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.fixture
def quiz():
    """Four twin pairs over two lessons; one per pair is drawn (the default)."""
    quiz = QuizFactory(title="Pool quiz", pass_mark=80)
    lessons = [LessonFactory(module=quiz.module, slug=f"lesson-{n}") for n in (1, 2)]
    for pair in range(4):
        a = question_with(quiz, correct=(0,), slug=f"case-{pair}a", lesson=lessons[pair % 2])
        b = question_with(quiz, correct=(1,), slug=f"case-{pair}b", lesson=lessons[pair % 2])
        a.twins.add(b)
    return quiz


@pytest.fixture
def learner(quiz):
    user = ClinicianFactory(time_zone="Europe/London")
    EnrollmentFactory(user=user, course=quiz.course)
    return user


def key_of(questions):
    """The answer key, as the feedback shows it: the correct option of each question."""
    return {q.pk: [c.pk for c in q.choices.all() if c.is_correct] for q in questions}


def wrong(questions):
    return {q.pk: [next(c.pk for c in q.choices.all() if not c.is_correct)] for q in questions}


# --- sittings ---------------------------------------------------------------------------


def test_sitting_draws_one_twin_of_each_pair_and_reopens_the_same(quiz, learner):
    sitting = sitting_open(user=learner, quiz=quiz, now=NOON)
    questions = sitting_questions(sitting)
    assert len(questions) == 4
    assert {q.slug[:-1] for q in questions} == {"case-0", "case-1", "case-2", "case-3"}
    again = sitting_open(user=learner, quiz=quiz, now=NOON + timedelta(hours=1))
    assert again.pk == sitting.pk and again.question_ids == sitting.question_ids
    assert Sitting.objects.count() == 1


def test_twins_of_a_question_are_one_query(quiz, django_assert_num_queries):
    question = quiz.questions.get(slug="case-0a")
    with django_assert_num_queries(1):
        assert [t.slug for t in question.twins.all()] == ["case-0b"]
    assert [t.slug for t in Question.objects.get(slug="case-0b").twins.all()] == ["case-0a"]


def test_one_open_sitting_per_learner_and_quiz_is_enforced_by_the_database(quiz, learner):
    Sitting.objects.create(user=learner, quiz=quiz, question_ids=[])
    with pytest.raises(Exception, match="one_open_sitting_per_quiz"):
        Sitting.objects.create(user=learner, quiz=quiz, question_ids=[])


def test_copying_a_failed_attempts_key_into_a_retake_is_refused_until_the_cool_down(
    client, quiz, learner
):
    client.force_login(learner)
    with time_machine.travel(NOON, tick=False):
        first = sitting_questions(sitting_open(user=learner, quiz=quiz))
        failed = attempt_submit(user=learner, quiz=quiz, answers=wrong(first))
        assert not failed.passed
        # The feedback shows every option of the sitting's questions, so the key is known.
        shown = attempt_feedback(failed)
        assert [f.question.pk for f in shown] == [q.pk for q in first]
        with pytest.raises(RetakeNotYet) as held:
            attempt_submit(user=learner, quiz=quiz, answers=key_of(first))
        assert held.value.opens_at == NOON + timedelta(hours=24)
        page = client.get(quiz.get_absolute_url()).content.decode()
        # 12:00 UTC is 12:00 in London in November; the next day is a Saturday.
        assert "You can retake this quiz from" in page
        assert "12:00 on Saturday 28 November" in page
        assert failed.get_absolute_url() in page
        assert 'name="submission_key"' not in page
    assert Attempt.objects.count() == 1 and Sitting.objects.count() == 1

    with time_machine.travel(NOON + timedelta(hours=24, minutes=1), tick=False):
        page = client.get(quiz.get_absolute_url()).content.decode()
        assert "Submit answers" in page
        retake = sitting_questions(Sitting.objects.get(attempt__isnull=True))
        # The other twin of every pair: the copied key answers none of them.
        assert not {q.pk for q in retake} & {q.pk for q in first}
        with pytest.raises(Exception, match="was not drawn for this sitting"):
            attempt_submit(user=learner, quiz=quiz, answers=key_of(first))
        passed = attempt_submit(user=learner, quiz=quiz, answers=key_of(retake))
        assert passed.passed


def test_opening_time_is_in_the_learners_time_zone(client, quiz):
    user = ClinicianFactory(time_zone="Pacific/Auckland")
    EnrollmentFactory(user=user, course=quiz.course)
    client.force_login(user)
    with time_machine.travel(NOON, tick=False):
        questions = sitting_questions(sitting_open(user=user, quiz=quiz))
        attempt_submit(user=user, quiz=quiz, answers=wrong(questions))
        page = client.get(quiz.get_absolute_url()).content.decode()
    # 12:00 UTC on Saturday 28 November is 01:00 on Sunday 29 November in Auckland (+13).
    assert "You can retake this quiz from" in page
    assert "01:00 on Sunday 29 November" in page


def test_passed_quiz_is_practice_at_once_with_the_other_twins(client, quiz, learner):
    client.force_login(learner)
    with time_machine.travel(NOON, tick=False):
        first = sitting_questions(sitting_open(user=learner, quiz=quiz))
        attempt_submit(user=learner, quiz=quiz, answers=key_of(first))
        page = client.get(quiz.get_absolute_url()).content.decode()
        assert "a retake is practice" in " ".join(page.split())
        practice = sitting_questions(Sitting.objects.get(attempt__isnull=True))
        assert not {q.pk for q in practice} & {q.pk for q in first}
        # A practice fail after a pass does not lock the quiz.
        attempt_submit(user=learner, quiz=quiz, answers=wrong(practice))
        assert sitting_open(user=learner, quiz=quiz)


def test_no_cool_down_when_the_editor_sets_none(quiz, learner):
    quiz.retake_after_hours = 0
    quiz.save()
    first = sitting_questions(sitting_open(user=learner, quiz=quiz, now=NOON))
    attempt_submit(user=learner, quiz=quiz, answers=wrong(first), now=NOON)
    assert sitting_open(user=learner, quiz=quiz, now=NOON)


def test_quiz_page_states_the_draw_the_pass_mark_and_the_rule(client, quiz, learner):
    client.force_login(learner)
    page = " ".join(client.get(quiz.get_absolute_url()).content.decode().split())
    assert "4 questions, drawn from a pool of 8 · pass mark 80%" in page
    assert "you can retake it 24 hours after you submit" in page
    assert page.count('class="question') == 4


def test_editor_draw_sets_the_number_of_questions(quiz, learner):
    quiz.draw = 6
    quiz.save()
    drawn = sitting_questions(sitting_open(user=learner, quiz=quiz, rng=random.Random(1)))
    assert len(drawn) == 6
    assert len({q.slug[:-1] for q in drawn}) == 4  # every pair, then two second twins


def test_feedback_shows_the_sittings_questions_only(client, quiz, learner):
    client.force_login(learner)
    drawn = sitting_questions(sitting_open(user=learner, quiz=quiz))
    attempt = attempt_submit(user=learner, quiz=quiz, answers=key_of(drawn))
    page = client.get(attempt.get_absolute_url()).content.decode()
    others = quiz.questions.exclude(pk__in=[q.pk for q in drawn])
    assert all(f'id="fb-{q.pk}"' in page for q in drawn)
    assert not any(f'id="fb-{q.pk}"' in page for q in others)
    assert "4 of 4 questions right" in page


def test_an_attempt_from_before_sittings_keeps_loading(client, quiz, learner):
    attempt = Attempt.objects.create(user=learner, quiz=quiz, score=50, passed=False)
    client.force_login(learner)
    page = client.get(attempt.get_absolute_url())
    assert page.status_code == 200
    assert len(attempt_feedback(attempt)) == 8  # it was asked every question


def test_self_check_shows_every_question_and_retakes_at_once(client):
    lesson = LessonFactory()
    check = QuizFactory(module=lesson.module, lesson=lesson, retake_after_hours=0)
    questions = [question_with(check, slug=f"q{i}") for i in range(3)]
    user = UserFactory()
    EnrollmentFactory(user=user, course=check.course)
    client.force_login(user)
    assert client.get(check.get_absolute_url()).content.decode().count('class="question') == 3
    attempt_submit(user=user, quiz=check, answers=wrong(questions))
    attempt_submit(user=user, quiz=check, answers=wrong(questions))
    assert Attempt.objects.count() == 2 and not Sitting.objects.exists()


# --- the API -----------------------------------------------------------------------------


def test_api_quiz_is_the_sitting_and_submits_against_it(api_client, quiz, learner):
    api_client.force_authenticate(learner)
    body = api_client.get(f"/api/v1/quizzes/{quiz.pk}/").json()
    assert body["pool"] == 8 and body["retake_after_hours"] == 24
    sitting = Sitting.objects.get()
    assert body["sitting"]["id"] == sitting.pk
    assert [q["id"] for q in body["questions"]] == sitting.question_ids
    resumed = api_client.post(f"/api/v1/quizzes/{quiz.pk}/sitting/").json()
    assert resumed["sitting"]["id"] == sitting.pk and resumed["questions"] == body["questions"]

    drawn = sitting_questions(sitting)
    not_drawn = quiz.questions.exclude(pk__in=sitting.question_ids).first()
    answers = key_of(drawn) | {not_drawn.pk: [not_drawn.choices.first().pk]}
    bad = api_client.post(
        f"/api/v1/quizzes/{quiz.pk}/attempts/",
        {"answers": [{"question": q, "choices": c} for q, c in answers.items()]},
        format="json",
    )
    assert bad.status_code == 400 and "was not drawn" in bad.json()["detail"]
    assert not Attempt.objects.exists()


def test_api_cool_down_is_429_with_the_opening_time(api_client, quiz, learner):
    api_client.force_authenticate(learner)
    with time_machine.travel(NOON, tick=False):
        drawn = sitting_questions(sitting_open(user=learner, quiz=quiz))
        key = uuid.uuid4()
        body = {
            "answers": [{"question": q, "choices": c} for q, c in wrong(drawn).items()],
            "submission_key": str(key),
        }
        failed = api_client.post(f"/api/v1/quizzes/{quiz.pk}/attempts/", body, format="json")
        assert failed.status_code == 201 and failed.json()["passed"] is False
        # A retry of the same submission is still recognised, not held back.
        again = api_client.post(f"/api/v1/quizzes/{quiz.pk}/attempts/", body, format="json")
        assert again.status_code == 409 and again.json()["attempt"] == failed.json()["id"]
        for response in (
            api_client.get(f"/api/v1/quizzes/{quiz.pk}/"),
            api_client.post(f"/api/v1/quizzes/{quiz.pk}/sitting/"),
        ):
            assert response.status_code == 429
            assert response.json()["opens_at"] == "2026-11-28T12:00:00+00:00"
            assert response.json()["attempt"] == failed.json()["id"]
            assert "retake" in response.json()["detail"]
    assert Attempt.objects.count() == 1


def test_api_self_check_has_no_sitting(api_client):
    lesson = LessonFactory(is_free=True)
    check = QuizFactory(module=lesson.module, lesson=lesson)
    question_with(check)
    api_client.force_authenticate(UserFactory())
    assert api_client.get(f"/api/v1/quizzes/{check.pk}/").json()["sitting"] is None
    response = api_client.post(f"/api/v1/quizzes/{check.pk}/sitting/")
    assert response.status_code == 400 and "self-check" in response.json()["detail"]


def test_schema_describes_sittings_and_the_cool_down(api_client):
    paths = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    assert "/api/v1/quizzes/{id}/sitting/" in paths
    assert "429" in paths["/api/v1/quizzes/{id}/attempts/"]["post"]["responses"]
    assert "429" in paths["/api/v1/quizzes/{id}/"]["get"]["responses"]


# --- loading the pool from quiz.yaml ---------------------------------------------------------

COURSE = "---\nslug: demo\ntitle: Demo\naudience: clinician\nsummary: S.\n---\nAbout.\n"
MODULE = "---\nslug: first\ntitle: First\n---\nIntro.\n"
LESSON = "---\nslug: one\ntitle: T\nsummary: S.\n---\nBody.\n"


def question(slug: str, twins: str = "") -> str:
    return f"""  - slug: {slug}
{twins}    kind: single
    prompt: Most likely source?
    lesson: one
    options:
      - text: Superior cluneal nerve
        correct: true
        explanation: E1.
      - text: Sacroiliac joint
        explanation: E2.
"""


def pool_file(head: str = "", **twins: str) -> str:
    body = "".join(
        question(slug, f"    twins: [{twins[slug]}]\n" if slug in twins else "")
        for slug in ("a", "b", "c", "d")
    )
    return f"title: First quiz\n{head}questions:\n{body}"


@pytest.fixture
def content(tmp_path):
    root = tmp_path / "content"
    (root / "demo" / "01-first").mkdir(parents=True)
    (root / "demo" / "course.md").write_text(COURSE)
    (root / "demo" / "01-first" / "module.md").write_text(MODULE)
    (root / "demo" / "01-first" / "01-one.md").write_text(LESSON)
    return root


def test_twins_load_symmetric_and_loading_twice_changes_nothing(content):
    path = content / "demo" / "01-first" / "quiz.yaml"
    path.write_text(pool_file("draw: 2\nretake_after_hours: 12\n", a="b", c="d", d="c"))
    assert load_content(content).ok
    quiz = Quiz.objects.get()
    assert (quiz.draw, quiz.retake_after_hours) == (2, 12)
    twins = {q.slug: sorted(t.slug for t in q.twins.all()) for q in quiz.questions.all()}
    assert twins == {"a": ["b"], "b": ["a"], "c": ["d"], "d": ["c"]}
    again = load_content(content)
    assert again.created == [] and again.updated == []
    # Regrouped: a-b-c one group, d twinned with c. Defaults come back when left out.
    path.write_text(pool_file(a="b, c", d="c"))
    assert load_content(content).ok
    quiz.refresh_from_db()
    assert (quiz.draw, quiz.retake_after_hours) == (None, 24)
    twins = {q.slug: sorted(t.slug for t in q.twins.all()) for q in quiz.questions.all()}
    assert twins == {"a": ["b", "c"], "b": ["a"], "c": ["a", "d"], "d": ["c"]}


def test_a_renamed_question_keeps_its_twins(content):
    path = content / "demo" / "01-first" / "quiz.yaml"
    path.write_text(pool_file(a="b", c="d"))
    assert load_content(content).ok
    a = Question.objects.get(slug="a")
    path.write_text(
        pool_file(a="b", c="d").replace("  - slug: a\n", "  - slug: a2\n    formerly: [a]\n")
    )
    report = load_content(content)
    assert report.ok, report.errors
    assert [t.slug for t in Question.objects.get(pk=a.pk).twins.all()] == ["b"]


BAD_POOLS = [
    ("unknown twin", {"a": "b", "c": "d, x"}, "", "twin 'x' is not a question of this quiz"),
    ("its own twin", {"a": "a, b", "c": "d"}, "", "question a: 'twins' names the question itself"),
    ("no twin", {"a": "b", "c": "b"}, "", "question d: a module quiz's question needs"),
    ("draw of none", {"a": "b", "c": "d"}, "draw: 0\n", "'draw' must be a whole number"),
    ("draw too big", {"a": "b", "c": "d"}, "draw: 5\n", "'draw' is more than the 4"),
    ("bad hours", {"a": "b", "c": "d"}, "retake_after_hours: -1\n", "'retake_after_hours'"),
]


@pytest.mark.parametrize(
    ("label", "twins", "head", "problem"), BAD_POOLS, ids=[b[0] for b in BAD_POOLS]
)
def test_bad_pool_is_named_and_loads_nothing(content, label, twins, head, problem):
    path = content / "demo" / "01-first" / "quiz.yaml"
    path.write_text(pool_file(head, **twins))
    report = load_content(content)
    assert [e.path for e in report.errors] == [path]
    assert problem in report.errors[0].problem
    assert not Quiz.objects.exists()


def test_self_check_may_have_twins_but_no_draw_or_cool_down(content):
    path = content / "demo" / "01-first" / "01-one.quiz.yaml"
    path.write_text(pool_file(a="b").replace("title: First quiz\n", "title: Check\nlesson: one\n"))
    assert load_content(content).ok
    check = Quiz.objects.get()
    assert (check.draw, check.retake_after_hours) == (None, 0)
    for head in ("draw: 2\n", "retake_after_hours: 4\n"):
        path.write_text(pool_file(head).replace("title: First quiz\n", "title: C\nlesson: one\n"))
        assert "unknown key" in load_content(content).errors[0].problem


def test_two_tabs_submitting_one_sitting_make_one_attempt(quiz, learner, monkeypatch):
    """The other tab's submission lands between this one's checks and its write: the
    sitting closes once (a conditional update), and this one is told it was recorded."""
    sitting = sitting_open(user=learner, quiz=quiz, now=NOON)
    answers = key_of(sitting_questions(sitting))
    real = services._checked_questions_to_take
    other = []

    def then_the_other_tab_submits(*args):
        found = real(*args)
        monkeypatch.setattr(services, "_checked_questions_to_take", real)
        other.append(attempt_submit(user=learner, quiz=quiz, answers=answers))
        return found

    monkeypatch.setattr(services, "_checked_questions_to_take", then_the_other_tab_submits)
    with pytest.raises(services.AlreadySubmitted) as recorded:
        attempt_submit(user=learner, quiz=quiz, answers=answers, submission_key=uuid.uuid4())
    assert recorded.value.attempt == other[0]
    assert Attempt.objects.count() == 1
    assert Sitting.objects.get(pk=sitting.pk).attempt == other[0]
