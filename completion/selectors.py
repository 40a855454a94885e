"""Where a learner stands against a course's completion rules."""

from dataclasses import dataclass
from datetime import datetime

from accounts.models import ClinicianProfile
from accounts.types import AnyUser
from course.access import lessons_visible_to
from course.models import Course, LessonProgress
from quizzes.access import quizzes_visible_to
from quizzes.models import Attempt

from .models import Certificate, CourseCompletion


@dataclass
class CompletionStatus:
    course: Course
    lessons_done: int
    lessons_total: int
    quizzes_passed: int
    quizzes_total: int
    completion: CourseCompletion | None
    certificate: Certificate | None

    @property
    def lessons_met(self) -> bool:
        return not self.course.require_all_lessons or self.lessons_done >= self.lessons_total

    @property
    def quizzes_met(self) -> bool:
        return not self.course.require_quizzes_passed or self.quizzes_passed >= self.quizzes_total

    @property
    def met(self) -> bool:
        return self.lessons_met and self.quizzes_met

    @property
    def steps_done(self) -> int:
        return (self.lessons_done if self.course.require_all_lessons else 0) + (
            self.quizzes_passed if self.course.require_quizzes_passed else 0
        )

    @property
    def steps_total(self) -> int:
        return (self.lessons_total if self.course.require_all_lessons else 0) + (
            self.quizzes_total if self.course.require_quizzes_passed else 0
        )

    @property
    def percent(self) -> int:
        return round(100 * self.steps_done / self.steps_total) if self.steps_total else 100


def completion_status(
    user: AnyUser, course: Course, now: datetime | None = None
) -> CompletionStatus:
    """Where the learner stands against each rule (five queries)."""
    lessons = lessons_visible_to(user, now).filter(course=course).values("pk")
    quizzes = quizzes_visible_to(user, now).filter(course=course, lesson__isnull=True).values("pk")
    done = passed = 0
    completion = certificate = None
    if user.is_authenticated:
        done = LessonProgress.objects.filter(
            user=user, lesson__in=lessons, completed_at__isnull=False
        ).count()
        passed = (
            Attempt.objects.filter(user=user, quiz__in=quizzes, passed=True)
            .values("quiz")
            .distinct()
            .count()
        )
        completion = CourseCompletion.objects.filter(user=user, course=course).first()
        if completion:
            certificate = (
                Certificate.objects.filter(completion=completion, replaced_by__isnull=True)
                .order_by("-issued_at")
                .first()
            )
    return CompletionStatus(
        course=course,
        lessons_done=done,
        lessons_total=lessons.count(),
        quizzes_passed=passed,
        quizzes_total=quizzes.count(),
        completion=completion,
        certificate=certificate,
    )


# What a certificate carries from the clinician's details, as the details page names it.
CERTIFICATE_DETAILS = {
    "certificate_name": "Name on certificates",
    "profession": "Profession",
    "registration_number": "Registration number",
}


@dataclass(frozen=True)
class MissingDetail:
    field: str  # the details page's field (its control is #id_<field> there)
    label: str  # as the details page names it


def missing_details(user: AnyUser) -> list[MissingDetail]:
    """The details a certificate needs that this clinician has not given, and only
    those (one query)."""
    profile = getattr(user, "clinician_profile", None)
    return [
        MissingDetail(field, label)
        for field, label in CERTIFICATE_DETAILS.items()
        if not (profile and getattr(profile, field).strip())
    ]


def needs_details(user: AnyUser) -> bool:
    return details_missing(getattr(user, "clinician_profile", None))


def details_missing(profile: ClinicianProfile | None) -> bool:
    return not (
        profile
        and profile.certificate_name.strip()
        and profile.profession.strip()
        and profile.registration_number.strip()
    )
