"""review_settings_save takes the settings as values, not a form: a page, the API or a
script can call it alike."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from reviews.models import Card
from reviews.services import ReviewSettings, review_settings_save
from tests.factories import LessonFactory, UserFactory, reviewed_key_point_card

pytestmark = pytest.mark.django_db


def settings(**changes) -> ReviewSettings:
    values = {
        "desired_retention": Decimal("0.90"),
        "new_cards_per_day": 20,
        "time_zone": "UTC",
        "reminders_enabled": True,
        "reminder_hour": 18,
        "weekdays": (0, 1, 2, 3, 4, 5, 6),
        "reminder_mode": "clock",
        "max_reviews_per_day": 200,
        "light_days": False,
    } | changes
    return ReviewSettings(**values)


def test_settings_are_saved_without_a_form():
    user = UserFactory()
    moved = review_settings_save(
        user=user,
        settings=settings(
            new_cards_per_day=5,
            time_zone="Europe/London",
            reminders_enabled=False,
            reminder_hour=8,
            weekdays=(0, 2, 4),
        ),
    )
    assert moved is None  # the retention did not change
    user.refresh_from_db()
    assert (user.new_cards_per_day, user.time_zone, user.reminders_enabled) == (
        5,
        "Europe/London",
        False,
    )
    assert user.reminder_hour == 8 and user.reminder_days == [0, 2, 4]


def test_a_new_retention_reschedules_the_cards_in_review():
    user = UserFactory()
    now = timezone.now()
    card = reviewed_key_point_card(
        user, LessonFactory(), due=now + timedelta(days=3), last_review=now
    )
    card.save()
    moved = review_settings_save(user=user, settings=settings(desired_retention=Decimal("0.95")))
    assert moved == 1
    card.refresh_from_db()
    user.refresh_from_db()
    assert user.desired_retention == Decimal("0.95")
    assert card.due < now + timedelta(days=3)  # remembered more surely: seen sooner
    assert Card.objects.filter(user=user).count() == 1
