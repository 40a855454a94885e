"""A learner's details are saved by a service that takes values, not by a form; the
account update (the /me API's) saves details and review settings in one go."""

from decimal import Decimal

import pytest

from accounts.forms import ProfileForm
from accounts.models import ClinicianProfile, User
from accounts.services import UserDetails, user_details_save
from me.services import account_update
from reviews.services import ReviewSettings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CLINICIAN = UserDetails(
    name=" Dr Ana Silva ",
    role=User.Role.CLINICIAN,
    profession="Physiotherapist",
    registration_number="PH123",
    certificate_name=" Ana M. Silva ",
)


def test_details_are_saved_without_a_form():
    user = UserFactory(role=User.Role.PATIENT)
    user = user_details_save(user=user, details=CLINICIAN)
    stored = User.objects.get(pk=user.pk)
    assert stored.name == "Dr Ana Silva" and stored.is_clinician
    profile = ClinicianProfile.objects.get(user=user)
    assert (profile.profession, profile.registration_number, profile.certificate_name) == (
        "Physiotherapist",
        "PH123",
        "Ana M. Silva",
    )


def test_a_valid_profile_form_changes_nothing_until_the_service_saves():
    user = UserFactory(name="Before")
    form = ProfileForm.for_user(user, data={"name": "After", "role": User.Role.PATIENT})
    assert form.is_valid()
    assert User.objects.get(pk=user.pk).name == "Before"
    assert form.details() == UserDetails(name="After", role=User.Role.PATIENT)
    user_details_save(user=user, details=form.details())
    assert User.objects.get(pk=user.pk).name == "After"


def test_an_account_update_saves_details_and_settings_together():
    user = UserFactory()
    settings = ReviewSettings(
        desired_retention=Decimal("0.85"),
        new_cards_per_day=7,
        time_zone="Asia/Tokyo",
        reminders_enabled=True,
        reminder_hour=9,
        weekdays=(5, 6),
        reminder_mode="recall",
        max_reviews_per_day=150,
        light_days=True,
    )
    user = account_update(user=user, details=CLINICIAN, settings=settings).user
    assert user.is_clinician and user.clinician_profile.certificate_name == "Ana M. Silva"
    assert (user.desired_retention, user.time_zone, user.reminder_days) == (
        Decimal("0.85"),
        "Asia/Tokyo",
        [5, 6],
    )
