"""A learner's own data: everything we hold about them, as one JSON document, and the
deletion of their account with all of it.

Reading is set-based (a fixed number of queries, whatever the number of cards or
reviews); deleting is one transaction.
"""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import ClinicianProfile, User
from completion.models import Certificate, CourseCompletion, Evaluation, Reflection
from course.models import Enrollment, LessonProgress
from lib.errors import AppError
from newsletter.models import Subscriber
from outbox.models import OutboundEmail
from quizzes.models import Answer, Attempt, Sitting
from reminders.models import Reminder
from reviews.models import Card, CardFlag, Confusion, ContrastPair, MemoryFit, ReviewLog


def _rows(queryset: QuerySet[Any], *fields: str) -> list[dict[str, Any]]:
    return list(queryset.values(*fields))


def user_export(*, user: User, now: datetime | None = None) -> dict:
    """Everything the platform holds about this learner (fifteen queries)."""
    profile = ClinicianProfile.objects.filter(user=user).first()
    answers: dict[int, dict[int, dict]] = {}  # attempt → question → answer
    rows = (
        Answer.objects.filter(attempt__user=user)
        .order_by("attempt_id", "question__order", "question_id")
        .values(
            "attempt_id",
            "question_id",
            "question__vignette",
            "question__prompt",
            "score",
            "confidence",
            "choices__text",
            "choices__region",
        )
    )
    for row in rows:
        answer = answers.setdefault(row["attempt_id"], {}).setdefault(
            row["question_id"],
            {
                "case": row["question__vignette"],
                "question": row["question__prompt"],
                "score": row["score"],
                "confidence": row["confidence"],
                "chosen": [],
            },
        )
        if chosen := row["choices__text"] or row["choices__region"]:
            answer["chosen"].append(chosen)
    attempts = _rows(
        Attempt.objects.filter(user=user).order_by("submitted_at"),
        "id",
        "quiz__title",
        "submitted_at",
        "score",
        "passed",
    )
    for attempt in attempts:
        attempt["answers"] = list(answers.get(attempt["id"], {}).values())

    return {
        "exported_at": now or timezone.now(),
        "account": {
            "email": user.email,
            "name": user.name,
            "role": user.role,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "time_zone": user.time_zone,
            "desired_retention": user.desired_retention,
            "new_cards_per_day": user.new_cards_per_day,
            "reminders_enabled": user.reminders_enabled,
            "reminder_hour": user.reminder_hour,
            "reminder_weekdays": [
                ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][i] for i in user.reminder_days
            ],
            "reminders_paused_until": user.reminders_paused_until,
            "reminder_mode": user.reminder_mode,
            "max_reviews_per_day": user.max_reviews_per_day,
            "light_days": user.light_days,
        },
        "clinician_profile": {
            "profession": profile.profession,
            "registration_number": profile.registration_number,
            "certificate_name": profile.certificate_name,
        }
        if profile
        else None,
        "enrollments": _rows(
            Enrollment.objects.filter(user=user).order_by("created_at"),
            "course__title",
            "created_at",
        ),
        "lesson_progress": _rows(
            LessonProgress.objects.filter(user=user).order_by("course_id", "lesson_id"),
            "course__title",
            "lesson__title",
            "last_viewed_at",
            "completed_at",
            "engaged_seconds",
            "visit_started_at",
        ),
        "quiz_attempts": attempts,
        # The questions drawn for each sitting of a module quiz (attempt: what it became).
        "quiz_sittings": _rows(
            Sitting.objects.filter(user=user).order_by("started_at"),
            "quiz__title",
            "started_at",
            "question_ids",
            "attempt_id",
        ),
        "review_cards": _rows(
            Card.objects.filter(user=user).order_by("pk"),
            "id",
            "kind",
            "front",
            "back",
            "question__prompt",
            "state",
            "due",
            "stability",
            "difficulty",
            "reps",
            "failures",
            "suspended",
            "buried_until",
            "contrast_id",
            "created_at",
        ),
        "reviews": _rows(
            ReviewLog.objects.filter(user=user).order_by("reviewed_at"),
            "card_id",
            "rating",
            "confidence",
            "in_quiz",
            "reviewed_at",
            "duration_ms",
            "state_before",
            "state_after",
            "due_after",
        ),
        # The memory model fitted to the learner's own reviews: every fit, used or not,
        # with how it did against the default parameters on their later reviews.
        "memory_fits": _rows(
            MemoryFit.objects.filter(user=user).order_by("fitted_at", "pk"),
            "fitted_at",
            "parameters",
            "review_count",
            "train_items",
            "test_items",
            "log_loss",
            "rmse",
            "default_log_loss",
            "default_rmse",
            "accepted",
            "in_use",
            "reason",
        ),
        # Each wrong answer that took one source of pain for another.
        "confusions": _rows(
            Confusion.objects.filter(user=user).order_by("at"),
            "question__prompt",
            "answer_source",
            "chosen_source",
            "at",
        ),
        "contrast_pairs": _rows(
            ContrastPair.objects.filter(user=user).order_by("created_at"),
            "id",
            "case_a__prompt",
            "case_b__prompt",
            "a_right_days",
            "b_right_days",
            "created_at",
            "retired_at",
        ),
        "card_reports": _rows(
            CardFlag.objects.filter(user=user).order_by("created_at"),
            "card_id",
            "note",
            "created_at",
            "resolved_at",
        ),
        "reminders": _rows(
            Reminder.objects.filter(user=user).order_by("local_date"),
            "local_date",
            "due_count",
            "sent_at",
            "failed_at",
        ),
        "completions": _rows(
            CourseCompletion.objects.filter(user=user).order_by("completed_at"),
            "course__title",
            "completed_at",
        ),
        "reflections": _rows(
            Reflection.objects.filter(completion__user=user).order_by("written_at"),
            "completion__course__title",
            "learned",
            "change",
            "written_at",
            "updated_at",
        ),
        "evaluations": _rows(
            Evaluation.objects.filter(completion__user=user).order_by("submitted_at"),
            "completion__course__title",
            *Evaluation.STATEMENTS,
            "comment",
            "submitted_at",
            "updated_at",
        ),
        "certificates": _rows(
            Certificate.objects.filter(user=user).order_by("issued_at"),
            "code",
            "course_title",
            "name",
            "profession",
            "registration_number",
            "cpd_hours",
            "completed_on",
            "issued_at",
            "revoked_at",
        ),
        "newsletter": _rows(
            Subscriber.objects.filter(email=user.email.lower()),
            "email",
            "status",
            "is_health_professional",
            "consent_text",
            "consent_at",
            "confirmed_at",
            "unsubscribed_at",
        ),
    }


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the account and everything attached to it: progress, attempts, cards and
    reviews, reminders, completions and certificates (which then no longer verify), the
    newsletter subscription under the same address, and the emails we hold for it.

    Staff accounts are not deleted this way: another administrator removes them, so
    that the site is never left without one by a click (AppError).
    """
    if user.is_staff or user.is_superuser:
        raise AppError("Editors' accounts are removed by another administrator, in the admin.")
    Subscriber.objects.filter(email=user.email.lower()).delete()
    OutboundEmail.objects.filter(to__iexact=user.email).delete()
    user.delete()
