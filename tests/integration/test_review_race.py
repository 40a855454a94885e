"""Two submissions of the same review at the same moment record one review, and both
callers get its result (PostgreSQL)."""

import threading

import pytest
from rest_framework.test import APIClient

from reviews import scheduler as srs
from reviews import services
from reviews.models import Card, ReviewLog
from tests.factories import LessonFactory, UserFactory

from .conftest import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def card():
    user = UserFactory()
    lesson = LessonFactory(key_points=[{"front": "Q", "back": "A"}])
    services.cards_from_lesson(user=user, lesson=lesson, now=lesson.publish_at)
    return Card.objects.get(user=user)


@pytest.fixture
def both_read_first(monkeypatch):
    """Both requests read the card, then wait for each other before writing: the worst
    interleaving, every time."""
    both_read = threading.Barrier(2, timeout=20)
    real_review = srs.review

    def review_after_both_have_read(*args, **kwargs):
        both_read.wait()
        return real_review(*args, **kwargs)

    monkeypatch.setattr(srs, "review", review_after_both_have_read)


def test_two_concurrent_reviews_of_one_card_record_one(card, both_read_first):
    def submit():
        result = services.review_record(user=card.user, card_id=card.pk, reps=0, rating=3)
        return result.log.pk, result.reps, result.next_due, result.replayed

    first, second = run_together(submit, submit)
    assert first[:3] == second[:3]  # the same review, the same outcome
    assert sorted([first[3], second[3]]) == [False, True]  # one recorded, one replayed it
    assert ReviewLog.objects.filter(card=card).count() == 1
    card.refresh_from_db()
    assert card.reps == 1


def test_two_concurrent_identical_api_answers_get_one_body(card, both_read_first):
    def post():

        client = APIClient()
        client.force_authenticate(card.user)
        response = client.post(
            f"/api/v1/reviews/{card.pk}/", {"rating": 3, "reps": 0}, format="json"
        )
        return response.status_code, response.json()

    (status_a, body_a), (status_b, body_b) = run_together(post, post)
    assert (status_a, status_b) == (200, 200)
    assert body_a == body_b and body_a["reps"] == 1 and body_a["rating"] == 3
    assert ReviewLog.objects.filter(card=card).count() == 1
    card.refresh_from_db()
    assert card.reps == 1
