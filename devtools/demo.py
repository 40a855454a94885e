"""What the demo accounts of the quick start share."""

from datetime import timedelta

from django.db.models import F

from accounts.models import User
from course.models import Enrollment, LessonProgress
from quizzes.models import Attempt, Sitting
from reviews.models import Card, Confusion, ContrastPair, ReviewLog


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
