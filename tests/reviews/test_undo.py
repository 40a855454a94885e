"""Undo the last rating: the card exactly as it was, once, and only today's last review."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.forms.models import model_to_dict

from lib.errors import AppError, ErrorKind
from quizzes.services import attempt_submit
from reviews import actions, selectors, services
from reviews.models import Card, Confusion, Rating, ReviewLog
from reviews.services import review_record
from tests.factories import (
    EnrollmentFactory,
    LessonFactory,
    QuizFactory,
    UserFactory,
    question_with,
)

pytestmark = pytest.mark.django_db

# Midday in Chicago, where the learner lives: their local day began at 06:00 UTC.
NOON = datetime(2027, 1, 12, 18, 0, tzinfo=UTC)


@pytest.fixture
def lesson():
    return LessonFactory(key_points=[{"front": f"Front {i}?", "back": "Back."} for i in range(3)])


@pytest.fixture
def learner(lesson):
    user = UserFactory(time_zone="America/Chicago")
    EnrollmentFactory(user=user, course=lesson.course)
    return user


def key_point(user, lesson, index=0, due=None):
    return Card.objects.create(
        user=user,
        kind=Card.Kind.KEY_POINT,
        lesson=lesson,
        key_index=index,
        course_id=lesson.course_id,
        module_id=lesson.module_id,
        front=f"Front {index}?",
        back="Back.",
        due=due or NOON - timedelta(days=3),
        created_at=NOON - timedelta(days=3),
    )


def snapshot(card: Card) -> dict:
    card.refresh_from_db()
    return model_to_dict(card)


def rate(user, card, rating, now):
    card.refresh_from_db()
    return review_record(
        user=user, card_id=card.pk, reps=card.reps, rating=rating, early=True, now=now
    )


def test_every_review_keeps_the_card_as_it_was(learner, lesson):
    card = key_point(learner, lesson)
    rate(learner, card, Rating.GOOD, NOON - timedelta(days=2))
    before = snapshot(card)
    result = rate(learner, card, Rating.HARD, NOON)
    log = result.log
    assert (log.state_before, log.step_before, log.due_before) == (
        before["state"],
        before["step"],
        before["due"],
    )
    assert log.stability_before == before["stability"] is not None
    assert log.difficulty_before == before["difficulty"] is not None
    assert log.last_review_before == before["last_review"] == NOON - timedelta(days=2)


def test_undo_puts_the_card_back_exactly_and_drops_the_review(learner, lesson):
    card = key_point(learner, lesson)
    rate(learner, card, Rating.GOOD, NOON - timedelta(days=2))
    rate(learner, card, Rating.GOOD, NOON - timedelta(days=1))
    before = snapshot(card)
    later = NOON + timedelta(hours=2)
    with time_machine.travel(later, tick=False):
        result = rate(learner, card, Rating.AGAIN, later)
        assert result.card.failures == before["failures"] + 1
        # A confusion recorded with the review goes with it.
        question = question_with(QuizFactory(module=lesson.module))
        Confusion.objects.create(
            user=learner,
            question=question,
            module=lesson.module,
            answer_source="superior_cluneal",
            chosen_source="sacroiliac_joint",
            at=later,
            review_log=result.log,
        )
        undone = actions.undo_last_review(
            user=learner, now=later + timedelta(minutes=1), card_id=card.pk, reps=result.reps
        )
    assert snapshot(card) == before
    assert model_to_dict(undone) == before
    assert not ReviewLog.objects.filter(pk=result.log.pk).exists()
    assert not Confusion.objects.filter(user=learner).exists()
    assert ReviewLog.objects.filter(card=card).count() == 2
    # Reviewed again at the same count: recorded afresh, not taken for a repeat.
    again = rate(learner, card, Rating.EASY, later + timedelta(minutes=2))
    assert not again.replayed and again.log.rating == Rating.EASY


def test_undoing_a_new_cards_first_review_makes_it_new_again(learner, lesson):
    card = key_point(learner, lesson)
    before = snapshot(card)
    rate(learner, card, Rating.HARD, NOON)
    actions.undo_last_review(user=learner, now=NOON)
    assert snapshot(card) == before
    assert before["is_new"] and before["stability"] is None


def test_undoing_the_review_that_made_a_leech_puts_it_back_in_the_queue(learner, lesson):
    card = key_point(learner, lesson)
    rate(learner, card, Rating.GOOD, NOON - timedelta(days=2))
    Card.objects.filter(pk=card.pk).update(failures=services.LEECH_FAILURES - 1)
    before = snapshot(card)
    result = rate(learner, card, Rating.AGAIN, NOON)
    assert result.leech
    card.refresh_from_db()
    assert card.suspended and card.is_leech
    actions.undo_last_review(user=learner, now=NOON, card_id=card.pk, reps=result.reps)
    after = snapshot(card)
    assert after == before
    assert not after["suspended"] and not after["is_leech"]
    assert after["failures"] == services.LEECH_FAILURES - 1


def test_a_double_submit_undoes_once(learner, lesson):
    first, second = key_point(learner, lesson, 0), key_point(learner, lesson, 1)
    rate(learner, first, Rating.GOOD, NOON)
    kept = snapshot(first)
    result = rate(learner, second, Rating.GOOD, NOON + timedelta(minutes=1))
    actions.undo_last_review(user=learner, now=NOON, card_id=second.pk, reps=result.reps)
    with pytest.raises(AppError) as again:
        actions.undo_last_review(user=learner, now=NOON, card_id=second.pk, reps=result.reps)
    assert again.value.kind is ErrorKind.ALREADY_DONE
    assert "taken back already" in again.value.message
    assert snapshot(first) == kept  # the review before it is untouched
    assert ReviewLog.objects.filter(card=first).count() == 1


def test_nothing_to_undo_without_a_review_today(learner, lesson):
    card = key_point(learner, lesson)
    with pytest.raises(AppError) as none:
        actions.undo_last_review(user=learner, now=NOON)
    assert none.value.kind is ErrorKind.ALREADY_DONE and "Nothing to undo" in none.value.message
    # Reviewed at 23:50 in Chicago; ten minutes later it is the next day there.
    late = datetime(2027, 1, 13, 5, 50, tzinfo=UTC)
    rate(learner, card, Rating.GOOD, late)
    with pytest.raises(AppError, match="Nothing to undo"):
        actions.undo_last_review(user=learner, now=late + timedelta(minutes=10))
    # Until midnight there, it could have been.
    actions.undo_last_review(user=learner, now=late + timedelta(minutes=9))
    assert ReviewLog.objects.filter(card=card).count() == 0


def test_quiz_answers_are_not_undone(learner, lesson):
    quiz = QuizFactory(module=lesson.module)
    question = question_with(quiz, lesson=lesson)
    attempt_submit(
        user=learner,
        quiz=quiz,
        answers={question.pk: [question.choices.order_by("order").first().pk]},
        now=NOON,
    )
    ReviewLog.objects.filter(user=learner).update(in_quiz=True)
    with pytest.raises(AppError, match="Nothing to undo"):
        actions.undo_last_review(user=learner, now=NOON + timedelta(minutes=1))


def test_a_card_changed_since_cannot_be_undone(learner, lesson):
    card = key_point(learner, lesson)
    result = rate(learner, card, Rating.GOOD, NOON)
    # Another request moved the card on between the log and the undo.
    Card.objects.filter(pk=card.pk).update(reps=result.reps + 1)
    with pytest.raises(AppError) as stale:
        actions.undo_last_review(user=learner, now=NOON)
    assert stale.value.kind is ErrorKind.STALE
    assert ReviewLog.objects.filter(pk=result.log.pk).exists()


def test_a_review_recorded_before_undo_existed_cannot_be_undone(learner, lesson):
    card = key_point(learner, lesson)
    rate(learner, card, Rating.GOOD, NOON - timedelta(days=2))
    result = rate(learner, card, Rating.GOOD, NOON)
    ReviewLog.objects.filter(pk=result.log.pk).update(
        stability_before=None, difficulty_before=None, last_review_before=None
    )
    before = snapshot(card)
    with pytest.raises(AppError) as old:
        actions.undo_last_review(user=learner, now=NOON)
    assert old.value.kind is ErrorKind.INVALID and "cannot be" in old.value.message
    assert snapshot(card) == before


def test_session_page_offers_undo_and_shows_the_card_again(client, learner, lesson):
    card = key_point(learner, lesson)
    with time_machine.travel(NOON, tick=False):
        client.force_login(learner)
        page = client.get("/review/").content.decode()
        assert "Undo last answer" not in page
        client.post(f"/review/{card.pk}/", {"rating": "3", "reps": "0"})
        page = client.get("/review/").content.decode()
        assert "Undo last answer" in page and 'data-key="u"' in page
        assert f'name="card" value="{card.pk}"' in page and 'name="reps" value="1"' in page
        response = client.post("/review/undo/", {"card": card.pk, "reps": "1"})
        assert response.status_code == 200
        body = response.content.decode()
        assert "Answer taken back" in body and "Front 0?" in body
        assert response.context["card"].pk == card.pk
        card.refresh_from_db()
        assert card.reps == 0 and card.is_new
        # Sent again (Back and submit, a double click): told, nothing more undone.
        again = client.post("/review/undo/", {"card": card.pk, "reps": "1"}, follow=True)
        assert "taken back already" in again.content.decode()


def test_api_undo(api_client, learner, lesson):
    card = key_point(learner, lesson)
    api_client.force_authenticate(learner)
    with time_machine.travel(NOON, tick=False):
        nothing = api_client.post("/api/v1/reviews/undo/", {}, format="json")
        assert nothing.status_code == 409 and "Nothing to undo" in nothing.json()["detail"]
        reviewed = api_client.post(
            f"/api/v1/reviews/{card.pk}/", {"rating": 3, "reps": 0, "early": True}, format="json"
        ).json()
        half = api_client.post("/api/v1/reviews/undo/", {"card": card.pk}, format="json")
        assert half.status_code == 400 and "both card and reps" in str(half.json())
        body = {"card": card.pk, "reps": reviewed["reps"]}
        undone = api_client.post("/api/v1/reviews/undo/", body, format="json")
        assert undone.status_code == 200
        assert undone.json()["id"] == card.pk and undone.json()["reps"] == 0
        twice = api_client.post("/api/v1/reviews/undo/", body, format="json")
        assert twice.status_code == 409 and "taken back already" in twice.json()["detail"]
    api_client.force_authenticate(None)
    assert api_client.post("/api/v1/reviews/undo/", {}, format="json").status_code in (401, 403)


@pytest.mark.parametrize("after", ["suspend", "bury"])
def test_undo_after_stopping_or_burying_the_card_puts_it_back_in_the_queue(learner, lesson, after):
    """The learner rated a card, then chose "Stop showing" or "Not today" on it, then
    "Undo last answer": the card is shown again, so it is back in the queue, as before
    the review."""
    card = key_point(learner, lesson)
    before = snapshot(card)
    rate(learner, card, Rating.GOOD, NOON)
    action = actions.card_suspend if after == "suspend" else actions.card_bury
    action(user=learner, card_id=card.pk, now=NOON)
    actions.undo_last_review(user=learner, now=NOON)
    assert snapshot(card) == before
    queue = selectors.due_queue(learner, NOON)
    assert queue.card == card and queue.today.to_go == 1


def test_undo_gives_the_card_back_its_measured_time_from_before(learner, lesson):
    """The day's estimate reads each card's latest measured time: undoing a review puts
    back the time measured before it."""
    card = key_point(learner, lesson)
    for minutes, ms in ((10, 20_000), (20, 30_000)):
        card.refresh_from_db()
        review_record(
            user=learner,
            card_id=card.pk,
            reps=card.reps,
            rating=Rating.GOOD,
            duration_ms=ms,
            early=True,
            now=NOON + timedelta(minutes=minutes),
        )
    card.refresh_from_db()
    assert card.answer_ms == 30_000
    actions.undo_last_review(user=learner, now=NOON + timedelta(minutes=21))
    card.refresh_from_db()
    assert card.answer_ms == 20_000
