"""Cards are made here when the apps below announce what a learner did or what an
editor changed, and the review queue is added to the home page; those apps never
import reviews."""

from datetime import datetime
from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from course.hooks import home_page
from course.models import Lesson
from course.signals import lesson_first_done
from quizzes.models import Attempt
from quizzes.signals import AnsweredQuestion, attempt_recorded

from .confusions import confusions_from_attempt
from .selectors import today
from .services import cards_from_attempt, cards_from_lesson, key_point_cards_refresh


@receiver(lesson_first_done, dispatch_uid="reviews-lesson-cards")
def lesson_first_done_cards(*, user: Any, lesson: Lesson, now: datetime, **kwargs: Any) -> None:
    cards_from_lesson(user=user, lesson=lesson, now=now)


@receiver(attempt_recorded, dispatch_uid="reviews-attempt-cards")
def attempt_cards(
    *, attempt: Attempt, now: datetime, results: list[AnsweredQuestion], **kwargs: Any
) -> None:
    cards_from_attempt(attempt=attempt, now=now, results=results)


@receiver(attempt_recorded, dispatch_uid="reviews-attempt-confusions")
def attempt_confusions(
    *, attempt: Attempt, now: datetime, results: list[AnsweredQuestion], **kwargs: Any
) -> None:
    # "The answer was X, they chose Y", and the contrast pairs those call for.
    confusions_from_attempt(attempt=attempt, now=now, results=results)


@receiver(post_save, sender=Lesson, dispatch_uid="reviews-key-points")
def lesson_saved(
    sender: type[Lesson], instance: Lesson, update_fields: Any = None, **kwargs: Any
) -> None:
    # An editor's new wording of a key point rewords the cards made from it.
    if update_fields is None or "key_points" in update_fields:
        key_point_cards_refresh(lesson=instance)


@home_page.register
def home_review_queue(*, user: Any, dashboard: list[Any]) -> dict[str, Any]:
    # Only learners with a course have a review queue to show: the day's counts, the same
    # as the session page's (two queries).
    return {"review": today(user) if dashboard else None}
