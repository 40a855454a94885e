"""A corrected key point reaches the cards of learners already remembering it."""

import pytest
from django.utils import timezone

from reviews.models import Card
from reviews.services import cards_from_lesson
from tests.factories import LessonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_editing_a_key_point_rewords_learners_cards_and_keeps_their_schedule():
    lesson = LessonFactory(
        key_points=[
            {"front": "Who supplies the perineum?", "back": "The inferior cluneal nerves."},
            {"front": "Untouched?", "back": "Yes."},
        ]
    )
    learners = [UserFactory(), UserFactory()]
    now = timezone.now()
    for user in learners:
        cards_from_lesson(user=user, lesson=lesson, now=now)
    Card.objects.filter(key_index=0).update(stability=4.2, reps=3)
    untouched = {c.pk: c.front for c in Card.objects.filter(key_index=1)}

    lesson.key_points[0]["back"] = "The pudendal nerve and the perineal branch of the PFCN."
    lesson.save(update_fields=["key_points"])

    fixed = list(Card.objects.filter(key_index=0))
    assert len(fixed) == 2
    assert all(c.back.startswith("The pudendal nerve") for c in fixed)
    assert all((c.stability, c.reps) == (4.2, 3) for c in fixed)
    assert {c.pk: c.front for c in Card.objects.filter(key_index=1)} == untouched


def test_saving_other_fields_leaves_cards_alone(django_assert_num_queries):
    lesson = LessonFactory(key_points=[{"front": "Q?", "back": "A."}])
    cards_from_lesson(user=UserFactory(), lesson=lesson, now=timezone.now())
    lesson.title = "A new title"
    with django_assert_num_queries(1):
        lesson.save(update_fields=["title"])
