"""Cards from quizzes and lessons, the review pages and the API, access and speed."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from quizzes.services import attempt_submit
from reviews import services
from reviews.models import Card, Rating, ReviewLog, State
from reviews.services import review_record
from tests.factories import (
    DRAFT,
    EnrollmentFactory,
    LessonFactory,
    QuizFactory,
    UserFactory,
    question_with,
    read_lesson,
    reviewed_key_point_card,
)

pytestmark = pytest.mark.django_db

REMINDERS = {
    "reminders_enabled": "on",
    "reminder_mode": "clock",
    "reminder_hour": "18",
    "weekdays": ["0", "2", "4"],
    "max_reviews_per_day": "200",
}


@pytest.fixture
def quiz():
    quiz = QuizFactory()
    lesson = LessonFactory(module=quiz.module, key_points=[{"front": "Front?", "back": "Back."}])
    for i in range(3):
        question_with(quiz, correct=(0,), lesson=lesson, slug=f"q{i}")
    return quiz


@pytest.fixture
def learner(quiz):
    user = UserFactory()
    EnrollmentFactory(user=user, course=quiz.course)
    return user


def _first(question):
    return question.choices.order_by("order").first().pk


def _second(question):
    return question.choices.order_by("order")[1].pk


def _take(user, quiz, wrong=(), now=None):
    questions = list(quiz.questions.order_by("order"))
    return attempt_submit(
        user=user,
        quiz=quiz,
        answers={q.pk: [_second(q) if q.slug in wrong else _first(q)] for q in questions},
        now=now,
    )


def test_quiz_answers_become_cards_wrong_again_right_good(quiz, learner):
    attempt = _take(learner, quiz, wrong={"q1"})
    cards = {c.question.slug: c for c in Card.objects.filter(user=learner)}
    assert set(cards) == {"q0", "q1", "q2"}
    assert [log.rating for log in ReviewLog.objects.filter(card=cards["q1"])] == [Rating.AGAIN]
    assert [log.rating for log in ReviewLog.objects.filter(card=cards["q0"])] == [Rating.GOOD]
    assert cards["q1"].failures == 1 and not cards["q1"].is_new
    assert cards["q1"].due < cards["q0"].due  # the missed one comes back sooner
    assert all(c.lesson is not None for c in cards.values())
    # A retake (after the failed quiz's cool-down) does not make more cards or reviews.
    _take(learner, quiz, now=attempt.submitted_at + timedelta(hours=quiz.retake_after_hours))
    assert Card.objects.filter(user=learner).count() == 3
    assert ReviewLog.objects.filter(user=learner).count() == 3
    assert attempt.pk


def test_marking_a_lesson_done_makes_its_key_point_cards_once(client, quiz, learner):
    lesson = quiz.questions.first().lesson
    client.force_login(learner)
    read_lesson(learner, lesson)
    client.post(f"/courses/{lesson.course.slug}/{lesson.slug}/done/")
    client.post(f"/courses/{lesson.course.slug}/{lesson.slug}/done/", {"done": "0"})
    client.post(f"/courses/{lesson.course.slug}/{lesson.slug}/done/")
    card = Card.objects.get(user=learner, kind="key_point")
    assert (card.front, card.back, card.is_new) == ("Front?", "Back.", True)


def test_a_shown_key_point_due_now_reads_the_memory_model_once(client, quiz, learner):
    # The queue reads the parameters to order the cards due now; the rating buttons'
    # previews reuse them.
    lesson = quiz.questions.first().lesson
    now = timezone.now()
    card = reviewed_key_point_card(
        learner, lesson, due=now - timedelta(hours=1), last_review=now - timedelta(days=5)
    )
    card.save()
    client.force_login(learner)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/review/?show={card.pk}").content.decode()
    assert "Back" in page and "Again" in page
    fits = [q for q in queries.captured_queries if "reviews_memoryfit" in q["sql"]]
    assert len(fits) == 1


def test_review_session_page_by_rating_a_key_point(client, quiz, learner):
    lesson = quiz.questions.first().lesson
    client.force_login(learner)
    read_lesson(learner, lesson)
    client.post(f"/courses/{lesson.course.slug}/{lesson.slug}/done/")
    card = Card.objects.get(user=learner, kind="key_point")
    page = client.get("/review/").content.decode()
    assert "Front?" in page and "Back." not in page and "Show answer" in page
    page = client.get(f"/review/?show={card.pk}").content.decode()
    assert "Back." in page and "Again" in page and "back in 1 min" in page
    response = client.post(f"/review/{card.pk}/", {"rating": "3", "reps": "0"}, follow=True)
    assert "Good: back in" in response.content.decode()
    card.refresh_from_db()
    assert card.reps == 1 and not card.is_new
    # The same form posted again (a double click) records nothing more, and shows the
    # same outcome: no error.
    again = client.post(f"/review/{card.pk}/", {"rating": "3", "reps": "0"}, follow=True)
    assert again.status_code == 200
    assert message(again) == message(response) and message(again).startswith("Good: back in")
    assert ReviewLog.objects.filter(card=card).count() == 1
    card.refresh_from_db()
    assert card.reps == 1
    # Another button of the same form, clicked after the first: told it was recorded.
    other = client.post(f"/review/{card.pk}/", {"rating": "4", "reps": "0"}, follow=True)
    assert "already recorded, rated Good" in message(other)
    # A form without its key (not one of ours) is refused with a message.
    bare = client.post(f"/review/{card.pk}/", {"rating": "3"})
    assert bare.status_code == 400 and "This form was sent without" in bare.content.decode()
    assert ReviewLog.objects.filter(card=card).count() == 1


def message(response) -> str:
    """The text of the page's one flash message."""
    (only,) = [str(m) for m in response.context["messages"]]
    return only


def test_review_a_quiz_card_wrong_then_right(client, quiz, learner):
    _take(learner, quiz, wrong={"q0"})
    card = Card.objects.get(user=learner, question__slug="q0")
    client.force_login(learner)
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        page = client.get("/review/").content.decode()
        assert "Check my answer" in page and "EXPLANATION-" not in page
        # Wrong, and sure of it: recorded as Again straight away, every option explained.
        wrong = {"choices": [_second(card.question)], "reps": "1", "confidence": "3"}
        response = client.post(f"/review/{card.pk}/", wrong)
        body = response.content.decode()
        assert "Not quite" in body and "EXPLANATION-" in body
        assert "Not quite, and you were sure: Again, back in 1 min." in body
        assert "You were sure, and it was wrong" in body
        # Sent twice (a double click): the same page again, nothing more recorded.
        again = client.post(f"/review/{card.pk}/", wrong)
        assert again.status_code == 200 and again.content.decode() == body.replace(
            f'value="{response.context["csrf_token"]}"',
            f'value="{again.context["csrf_token"]}"',
        )
    card.refresh_from_db()
    assert card.reps == 2 and card.failures == 2
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        # Right, but without saying how sure: asked for it, the answer kept, nothing saved.
        response = client.post(
            f"/review/{card.pk}/", {"choices": [_first(card.question)], "reps": "2"}
        )
        body = response.content.decode()
        assert response.status_code == 400 and "Say how sure you are" in body
        assert f'value="{_first(card.question)}" checked' in body
        assert ReviewLog.objects.filter(card=card).count() == 2  # nothing recorded yet
        # Right and sure, in one step: Easy.
        response = client.post(
            f"/review/{card.pk}/",
            {"choices": [_first(card.question)], "reps": "2", "confidence": "3"},
        )
        assert "Right, and you were sure: Easy, back in" in response.content.decode()
    logs = ReviewLog.objects.filter(card=card).order_by("reviewed_at")
    assert list(logs.values_list("rating", "confidence", "in_quiz")) == [
        (1, None, True),
        (1, 3, False),
        (4, 3, False),
    ]


def test_cards_of_a_withdrawn_lesson_stop_coming_up(client, api_client, quiz, learner):
    _take(learner, quiz, wrong={"q0", "q1", "q2"})
    lesson = quiz.questions.first().lesson
    later = timezone.now() + timedelta(minutes=5)
    api_client.force_authenticate(learner)
    with time_machine.travel(later):
        assert api_client.get("/api/v1/reviews/due/").json()["reviews_due"] == 3
    lesson.status = DRAFT
    lesson.save()
    card = Card.objects.filter(user=learner).first()
    with time_machine.travel(later):
        assert api_client.get("/api/v1/reviews/due/").json()["reviews_due"] == 0
        response = api_client.post(
            f"/api/v1/reviews/{card.pk}/",
            {"choices": [_first(card.question)], "reps": 1},
            format="json",
        )
        assert response.status_code == 404


def test_api_review_flow_and_errors(api_client, quiz, learner):
    _take(learner, quiz, wrong={"q0"})
    card = Card.objects.get(user=learner, question__slug="q0")
    api_client.force_authenticate(learner)
    url = f"/api/v1/reviews/{card.pk}/"
    # Not due yet: answered right in the quiz, it is due in days, not today.
    later = Card.objects.get(user=learner, question__slug="q1")
    response = api_client.post(
        f"/api/v1/reviews/{later.pk}/",
        {"choices": [_first(later.question)], "reps": 1},
        format="json",
    )
    assert response.status_code == 400 and "not due until" in response.json()["detail"]
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        queue = api_client.get("/api/v1/reviews/due/").json()
        assert queue["reviews_due"] == 1 and queue["next"]["id"] == card.pk
        assert queue["next"]["reps"] == 1
        assert "correct" not in str(queue["next"]["question"]["options"])
        for body, message in [
            ({"choices": [_first(card.question)]}, "Send reps"),
            ({"choices": [_first(card.question)], "reps": None}, "Send reps"),
            ({"choices": [_first(card.question)], "reps": -1}, "greater than or equal to 0"),
            ({"choices": [_first(card.question)], "reps": 2**31}, "less than or equal to"),
            ({"choices": [_first(card.question)], "reps": "one"}, "valid integer"),
            ({"rating": 5, "choices": [_first(card.question)], "reps": 1}, "rating must be 1"),
            ({"rating": "soon", "reps": 1}, "valid integer"),
            ({"choices": [], "reps": 1}, "Choose an answer"),
            ({"choices": [999999], "reps": 1}, "does not belong"),
            ({"choices": [2**70], "reps": 1}, "less than or equal to"),
            ({"choices": [_second(card.question)], "rating": 3, "reps": 1}, "rated Again"),
            ({"choices": "all", "reps": 1}, "list"),
            ({"choices": [_first(card.question)], "reps": 1, "duration_ms": -5}, "greater"),
            ({"choices": [_first(card.question)], "reps": 1, "confidence": 4}, "confidence must"),
            ({"choices": [_first(card.question)], "reps": 1, "confidence": "x"}, "valid integer"),
            (
                {"choices": [_first(card.question)], "reps": 1, "confidence": 3, "rating": 3},
                "given sure is rated 4 (Easy), not 3",
            ),
        ]:
            response = api_client.post(url, body, format="json")
            assert response.status_code == 400, body
            assert message in str(response.json()), (body, response.json())
        assert api_client.post(url, [1, 2], format="json").status_code == 400
        assert ReviewLog.objects.filter(card=card).count() == 1  # the quiz's, nothing more
        answer = {"choices": [_first(card.question)], "confidence": 3, "reps": 1}
        ok = api_client.post(url, answer, format="json")
        assert ok.status_code == 200 and "Idempotent-Replayed" not in ok
        assert ok.json()["rating"] == 4 and ok.json()["correct"] is True
        assert ok.json()["confidence"] == 3
        assert ok.json()["reps"] == 2
        # The same request again (a retry after a lost response): the first result.
        again = api_client.post(url, answer, format="json")
        assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
        assert again.json() == ok.json()
        # The same key with another answer, or an old key: stale, with the reps to use.
        for body in [
            {"choices": [_first(card.question)], "rating": 2, "reps": 1},
            {"choices": [_first(card.question)], "reps": 0, "early": True},
        ]:
            stale = api_client.post(url, body, format="json")
            assert stale.status_code == 409, body
            assert stale.json()["reps"] == 2 and "Load the card again" in stale.json()["detail"]
        assert ReviewLog.objects.filter(card=card).count() == 2
        # The next review, keyed by the reps the last answer gave.
        early = {"choices": [_first(card.question)], "reps": 2, "early": True}
        assert api_client.post(url, early, format="json").json()["reps"] == 3
    assert ReviewLog.objects.filter(card=card).count() == 3
    stats = api_client.get("/api/v1/reviews/stats/").json()
    assert len(stats["forecast"]) == 15 and stats["streak"] == 1
    # The three quiz answers made the cards; they are not reviews.
    assert stats["retention"][0]["reviews"] == 2


def test_api_bring_back_needs_the_cards_reps_and_happens_once(api_client, quiz, learner):
    _take(learner, quiz, wrong={"q0"})
    card = Card.objects.get(user=learner, question__slug="q0")
    Card.objects.filter(pk=card.pk).update(is_leech=True, suspended=True, failures=8)
    api_client.force_authenticate(learner)
    url = f"/api/v1/reviews/{card.pk}/bring-back/"
    missing = api_client.post(url, {}, format="json")
    assert missing.status_code == 400 and "Send reps" in str(missing.json())
    assert api_client.post(url, {"reps": 7}, format="json").status_code == 409
    assert Card.objects.get(pk=card.pk).suspended
    first = api_client.post(url, {"reps": 1}, format="json")
    assert first.status_code == 200 and first.json()["id"] == card.pk
    again = api_client.post(url, {"reps": 1}, format="json")
    assert again.status_code == 200 and again.json() == first.json()
    card.refresh_from_db()
    assert not card.suspended and card.failures == 0


def test_schema_documents_the_review_key():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    parts = schema["components"]["schemas"]
    review = schema["paths"]["/api/v1/reviews/{card_id}/"]["post"]
    assert "reps" in parts["ReviewInRequest"]["required"]
    assert "idempotency key" in parts["ReviewInRequest"]["properties"]["reps"]["description"]
    assert "Idempotent-Replayed" in review["responses"]["200"]["headers"]
    stale = review["responses"]["409"]["content"]["application/json"]["schema"]
    assert stale == {"$ref": "#/components/schemas/Stale"}
    assert set(parts["Stale"]["required"]) == {"detail", "reps"}
    bring_back = schema["paths"]["/api/v1/reviews/{card_id}/bring-back/"]["post"]
    assert "reps" in parts["BringBackRequest"]["required"]
    assert "409" in bring_back["responses"]


def test_another_users_card_is_not_found(api_client, client, quiz, learner):
    _take(learner, quiz)
    card = Card.objects.filter(user=learner).first()
    stranger = UserFactory()
    api_client.force_authenticate(stranger)
    assert (
        api_client.post(
            f"/api/v1/reviews/{card.pk}/", {"rating": 3, "early": True, "reps": 1}, format="json"
        ).status_code
        == 404
    )
    client.force_login(stranger)
    assert client.post(f"/review/{card.pk}/", {"rating": "3", "reps": "1"}).status_code == 404
    assert client.post(f"/review/{card.pk}/bring-back/", {"reps": "1"}).status_code == 404
    response = api_client.post(f"/api/v1/reviews/{card.pk}/bring-back/", {"reps": 1}, format="json")
    assert response.status_code == 404


def test_review_pages_need_sign_in(client, api_client):
    for url in ("/review/", "/review/progress/", "/review/settings/"):
        assert client.get(url).url.startswith("/accounts/login/")
    assert api_client.get("/api/v1/reviews/due/").status_code == 401


def test_settings_change_retention_and_reject_bad_values(client, quiz, learner):
    client.force_login(learner)
    lesson = quiz.questions.first().lesson
    read_lesson(learner, lesson)
    client.post(f"/courses/{lesson.course.slug}/{lesson.slug}/done/")
    card = Card.objects.get(user=learner, kind="key_point")
    client.post(f"/review/{card.pk}/", {"rating": "4", "reps": "0"})
    card.refresh_from_db()
    assert card.state == State.REVIEW
    before = card.due
    response = client.post(
        "/review/settings/",
        {
            "desired_retention": "0.95",
            "new_cards_per_day": "5",
            "time_zone": "Europe/London",
            **REMINDERS,
        },
        follow=True,
    )
    assert "1 card rescheduled" in response.content.decode()
    card.refresh_from_db()
    learner.refresh_from_db()
    assert card.due < before and str(learner.desired_retention) == "0.95"
    assert learner.time_zone == "Europe/London"
    for field, value, message in [
        ("desired_retention", "0.5", "greater than or equal to 0.80"),
        ("desired_retention", "0.99", "less than or equal to 0.97"),
        ("time_zone", "Mars/Olympus", "Select a valid choice"),
    ]:
        data = {
            "desired_retention": "0.9",
            "new_cards_per_day": "5",
            "time_zone": "UTC",
            **REMINDERS,
            field: value,
        }
        response = client.post("/review/settings/", data)
        assert response.status_code == 200 and message in response.content.decode()
    learner.refresh_from_db()
    assert str(learner.desired_retention) == "0.95"


def test_progress_page_shows_forecast_streak_retention_and_leeches(client, quiz, learner):
    _take(learner, quiz, wrong={"q0"})
    for slug, choose in (("q1", _first), ("q2", _second)):  # one review right, one wrong
        reviewed = Card.objects.get(user=learner, question__slug=slug)
        review_record(
            user=learner,
            card_id=reviewed.pk,
            reps=1,
            choices=[choose(reviewed.question)],
            early=True,
        )
    card = Card.objects.get(user=learner, question__slug="q0")
    Card.objects.filter(pk=card.pk).update(is_leech=True, suspended=True)
    client.force_login(learner)
    page = client.get("/review/progress/").content.decode()
    assert "Cards due today and on each of the next 14 days" in page
    assert "<table" in page and '<th scope="row">Today</th>' in page
    assert "Reviews done on each of the last 14 days" in page and "css/charts.css" in page
    assert page.count('<svg class="plot-svg"') == 2 and " style=" not in page
    assert "current streak: <strong>1 day</strong>" in page
    assert "50%" in page  # one of the two reviews answered right (the quiz is not counted)
    assert "Bring back" in page and card.lesson.get_absolute_url() in page
    assert f'name="reps" value="{card.reps}"' in page
    bare = client.post(f"/review/{card.pk}/bring-back/")
    assert bare.status_code == 400 and "This form was sent without" in bare.content.decode()
    assert Card.objects.get(pk=card.pk).suspended
    first = client.post(f"/review/{card.pk}/bring-back/", {"reps": "1"}, follow=True)
    assert "back in your reviews" in message(first)
    card.refresh_from_db()
    assert not card.suspended
    # A second click finds it back already and changes nothing.
    again = client.post(f"/review/{card.pk}/bring-back/", {"reps": "1"}, follow=True)
    assert "back in your reviews" in message(again)
    assert Card.objects.get(pk=card.pk).due == card.due


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def test_answering_a_review_has_a_fixed_query_count(quiz, learner):
    _take(learner, quiz, wrong={"q0", "q1"})
    cards = list(Card.objects.filter(user=learner, question__slug__in=["q0", "q1"]))
    later = timezone.now() + timedelta(minutes=5)
    right = {card.pk: [_first(card.question)] for card in cards}
    small = _count(
        lambda: review_record(
            user=learner, card_id=cards[0].pk, reps=1, choices=right[cards[0].pk], now=later
        )
    )
    # Many more cards for this learner change nothing.
    more = QuizFactory(module=quiz.module)
    for i in range(30):
        question_with(more, slug=f"m{i}")
    attempt_submit(
        user=learner,
        quiz=more,
        answers={q.pk: [_first(q)] for q in more.questions.all()},
        submission_key=uuid.uuid4(),
    )
    large = _count(
        lambda: review_record(
            user=learner, card_id=cards[1].pk, reps=1, choices=right[cards[1].pk], now=later
        )
    )
    # Seven: one of them reads the memory-model parameters in use for the card's course.
    assert small == large <= 7


def test_review_pages_have_fixed_query_counts(client, quiz, learner):
    _take(learner, quiz, wrong={"q0", "q1", "q2"})
    client.force_login(learner)
    later = timezone.now() + timedelta(minutes=5)
    with time_machine.travel(later):
        client.get("/review/")
        small = (
            _count(lambda: client.get("/review/")),
            _count(lambda: client.get("/review/progress/")),
        )
        more = QuizFactory(module=quiz.module)
        for i in range(20):
            question_with(more, slug=f"m{i}")
        attempt_submit(
            user=learner, quiz=more, answers={q.pk: [_second(q)] for q in more.questions.all()}
        )
    with time_machine.travel(later + timedelta(minutes=5)):
        large = (
            _count(lambda: client.get("/review/")),
            _count(lambda: client.get("/review/progress/")),
        )
    # (The new-card count is skipped once the day's allowance is used up.)
    assert all(b <= a for a, b in zip(small, large, strict=True)), (small, large)
    # The progress page reads the memory model: its parameters and the recall by module
    # and by source (three queries, whatever the deck).
    assert max(small) <= 15


def test_the_leech_threshold_is_one_number_for_the_page_and_the_api(
    client, api_client, quiz, learner, monkeypatch
):
    # Changed in one place, the API's review, the session page's warning and the
    # progress page all follow it.
    monkeypatch.setattr(services, "LEECH_FAILURES", 3)
    _take(learner, quiz, wrong={"q0", "q1"})  # one failure each
    by_api, by_page = (Card.objects.get(user=learner, question__slug=s) for s in ("q0", "q1"))
    api_client.force_authenticate(learner)
    client.force_login(learner)
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        for reps, leech in ((1, False), (2, True)):
            wrong = {"choices": [_second(by_api.question)], "reps": reps, "early": True}
            response = api_client.post(f"/api/v1/reviews/{by_api.pk}/", wrong, format="json")
            assert response.json()["leech"] is leech
        for reps, leech in ((1, False), (2, True)):
            wrong = {"choices": [_second(by_page.question)], "reps": reps, "confidence": "1"}
            page = client.post(f"/review/{by_page.pk}/", wrong, follow=True).content.decode()
            assert ("forgotten 3 times" in page) is leech
        progress = client.get("/review/progress/").content.decode()
    assert "These were forgotten 3 times" in progress
    assert Card.objects.filter(user=learner, is_leech=True, failures=3).count() == 2


def test_the_schema_names_the_leech_threshold():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    bring_back = schema["paths"]["/api/v1/reviews/{card_id}/bring-back/"]["post"]
    assert f"forgotten {services.LEECH_FAILURES} times" in bring_back["description"]
