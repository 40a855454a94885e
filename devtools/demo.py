"""What the demo accounts of the quick start share."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.db.models import F

from accounts.models import ClinicianProfile, User
from course.models import Enrollment, LessonProgress
from quizzes.models import Attempt, Sitting
from reviews.models import Card, Confusion, ContrastPair, ReviewLog

# Zones round the world: one of them is always in the daytime.
DAYTIME_ZONES = [
    "Europe/London",
    "Asia/Tokyo",
    "America/Chicago",
    "Asia/Kolkata",
    "Pacific/Honolulu",
]


def daytime_zone(now: datetime) -> str:
    """A time zone where it is day at `now`, so that the demo's "yesterday" is plainly
    the learner's yesterday (and a reminder owed today is owed now)."""
    return next(z for z in DAYTIME_ZONES if 8 <= now.astimezone(ZoneInfo(z)).hour <= 20)


def demo_clinician(
    *, email: str, password: str, now: datetime, registration_number: str, **fields: Any
) -> User:
    """A clinician with a confirmed email address and the details a certificate needs,
    living where it is day now."""
    user = User.objects.create_user(
        email=email,
        password=password,
        name="Demo clinician",
        role=User.Role.CLINICIAN,
        time_zone=daytime_zone(now),
        **fields,
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    ClinicianProfile.objects.create(
        user=user,
        profession="Physiotherapist",
        registration_number=registration_number,
        certificate_name="Demo Clinician",
    )
    return user


def move_back_a_day(user: User) -> None:
    """As if all the learner did had happened yesterday: move their data, not the clock."""
    day = timedelta(days=1)
    Enrollment.objects.filter(user=user).update(created_at=F("created_at") - day)
    LessonProgress.objects.filter(user=user).update(
        last_viewed_at=F("last_viewed_at") - day, completed_at=F("completed_at") - day
    )
    Attempt.objects.filter(user=user).update(submitted_at=F("submitted_at") - day)
    Sitting.objects.filter(user=user).update(started_at=F("started_at") - day)
    Card.objects.filter(user=user).update(due=F("due") - day, created_at=F("created_at") - day)
    Card.objects.filter(user=user, last_review__isnull=False).update(
        last_review=F("last_review") - day
    )
    ReviewLog.objects.filter(user=user).update(
        reviewed_at=F("reviewed_at") - day,
        due_before=F("due_before") - day,
        due_after=F("due_after") - day,
    )
    ReviewLog.objects.filter(user=user, last_review_before__isnull=False).update(
        last_review_before=F("last_review_before") - day
    )
    Confusion.objects.filter(user=user).update(at=F("at") - day)
    ContrastPair.objects.filter(user=user).update(created_at=F("created_at") - day)
