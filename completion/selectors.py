"""Where a learner stands against a course's completion rules; certificates by code."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from accounts.models import ClinicianProfile
from accounts.types import AnyUser
from course.access import lessons_visible_to
from course.models import Course, LessonProgress
from quizzes.access import quizzes_visible_to
from quizzes.models import Attempt, Quiz

from .codes import normalise_code
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
    quizzes = _module_quizzes(user, course, now).values("pk")
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


def missing_details(user: AnyUser) -> list[str]:
    """The details a certificate needs that this clinician has not given (one query)."""
    profile = getattr(user, "clinician_profile", None)
    return [
        label
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


def _module_quizzes(user: AnyUser, course: Course, now: datetime | None = None) -> QuerySet[Quiz]:
    """The quizzes that count for completion: each module's own, not lessons' checks."""
    return quizzes_visible_to(user, now).filter(course=course, lesson__isnull=True)


def assessed_quizzes(user: AnyUser, course: Course, now: datetime | None = None) -> list[dict]:
    """What a certificate records as assessed: each module quiz the learner had to pass,
    in reading order, with its pass mark (one query)."""
    quizzes = (
        _module_quizzes(user, course, now)
        .select_related("module")
        .order_by("module__order", "module__pk", "order", "pk")
    )
    return [
        {"module": quiz.module.title, "quiz": quiz.title, "pass_mark": quiz.pass_mark}
        for quiz in quizzes
    ]


def certificate_by_code(typed: str) -> Certificate | None:
    """The certificate a person means by the code they typed or followed (one or two
    queries). A code stored as it is given matches first: so every code issued before the
    look-alike-free alphabet matches exactly as before, case and all. Otherwise the input
    is read as a new-style code by `codes.normalise_code` (any case, separators or none).
    """
    # The course for the badge's achievement; the replacement for the page's "replaced".
    certificates = Certificate.objects.select_related("replaced_by", "course")
    found = certificates.filter(code=typed).first()
    if found is None and (canonical := normalise_code(typed)) and canonical != typed:
        found = certificates.filter(code=canonical).first()
    return found
