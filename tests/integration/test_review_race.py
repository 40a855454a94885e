"""Two submissions of the same review at the same moment record one review (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from reviews import scheduler as srs
from reviews import services
from reviews.models import Card, ReviewLog
from tests.factories import LessonFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_reviews_of_one_card_record_one(monkeypatch):
    user = UserFactory()
    lesson = LessonFactory(key_points=[{"front": "Q", "back": "A"}])
    services.cards_from_lesson(user=user, lesson=lesson, now=lesson.publish_at)
    card = Card.objects.get(user=user)

    # Both requests read the card, then wait for each other before writing: the worst
    # interleaving, every time.
    both_read = threading.Barrier(2, timeout=10)
    real_review = srs.review

    def review_after_both_have_read(*args, **kwargs):
        both_read.wait()
        return real_review(*args, **kwargs)

    monkeypatch.setattr(srs, "review", review_after_both_have_read)
    outcomes = []

    def submit():
        try:
            services.review_record(user=user, card_id=card.pk, rating=3)
            outcomes.append("recorded")
        except services.ReviewError as exc:
            outcomes.append(exc.status)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes, key=str) == [409, "recorded"]
    assert ReviewLog.objects.filter(card=card).count() == 1
    card.refresh_from_db()
    assert card.reps == 1
