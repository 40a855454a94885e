"""Where a learner stands against a course's completion rules; certificates by code."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet
from django.urls import reverse

from accounts.models import ClinicianProfile
from accounts.types import AnyUser
from course.access import lessons_visible_to
from course.models import Course, Enrollment, LessonProgress
from quizzes.access import quizzes_visible_to
from quizzes.models import Attempt, Quiz

from .codes import normalise_code
from .models import Certificate, CourseCompletion, Evaluation, Reflection


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

# Below this, a reflection is a phrase, not a statement of what will change.
REFLECTION_MIN_WORDS = 15


@dataclass(frozen=True)
class Requirement:
    """One thing a CPD certificate needs, whether it is met, and where to meet it."""

    key: str
    label: str
    met: bool
    url: str


@dataclass(frozen=True)
class CertificateFacts:
    """What decides whether a completion earns a certificate (no queries to read)."""

    course: Course
    is_clinician: bool
    completed: bool
    profile: ClinicianProfile | None
    has_reflection: bool
    has_evaluation: bool


def certificate_requirements(facts: CertificateFacts) -> list[Requirement]:
    """Everything a CPD certificate needs, in the order a learner meets it: the course
    completed, registered as a health professional, the three details a certificate
    carries, a reflection and an evaluation. The one rule: `certificate_issue` issues
    only when every one is met, and every page and the API list them from here. Empty
    for a course that gives no CPD certificate."""
    course = facts.course
    if course.audience != Course.Audience.CLINICIAN:
        return []
    details = reverse("me:details")
    reflect = reverse("completion:reflect", args=[course.slug])
    requirements = [
        Requirement(
            "completed",
            "Complete the course: every lesson read and every module quiz passed",
            facts.completed,
            course.get_absolute_url(),
        ),
        Requirement(
            "health_professional",
            "Registered here as a health professional",
            facts.is_clinician,
            f"{details}#id_role",
        ),
    ]
    for field, label in CERTIFICATE_DETAILS.items():
        given = bool(facts.profile and getattr(facts.profile, field).strip())
        requirements.append(Requirement(field, label, given, f"{details}#id_{field}"))
    requirements += [
        Requirement(
            "reflection",
            "A reflection: what you will change in practice",
            facts.has_reflection,
            f"{reflect}#reflection",
        ),
        Requirement(
            "evaluation",
            "Your evaluation of the course",
            facts.has_evaluation,
            f"{reflect}#evaluation",
        ),
    ]
    return requirements


def _with_feedback(completions: QuerySet[CourseCompletion]) -> QuerySet[CourseCompletion]:
    return completions.annotate(
        has_reflection=Exists(Reflection.objects.filter(completion=OuterRef("pk"))),
        has_evaluation=Exists(Evaluation.objects.filter(completion=OuterRef("pk"))),
    )


def _facts(
    user: AnyUser,
    course: Course,
    completion: CourseCompletion | None,
    profile: ClinicianProfile | None,
) -> CertificateFacts:
    return CertificateFacts(
        course=course,
        is_clinician=bool(getattr(user, "is_clinician", False)),  # False when signed out
        completed=completion is not None,
        profile=profile,
        has_reflection=bool(completion and completion.has_reflection),  # type: ignore[attr-defined]
        has_evaluation=bool(completion and completion.has_evaluation),  # type: ignore[attr-defined]
    )


def completion_with_feedback(user: AnyUser, course: Course) -> CourseCompletion | None:
    """The learner's completion of a course with its reflection and evaluation, if
    they have completed it (one query)."""
    if not user.is_authenticated:
        return None
    return (
        CourseCompletion.objects.filter(user=user, course=course)
        .select_related("reflection", "evaluation")
        .first()
    )


def requirements_for(user: AnyUser, course: Course) -> list[Requirement]:
    """`certificate_requirements` for a signed-in learner (two queries at most)."""
    if not user.is_authenticated or course.audience != Course.Audience.CLINICIAN:
        return []
    completion = _with_feedback(CourseCompletion.objects.filter(user=user, course=course)).first()
    profile = ClinicianProfile.objects.filter(user=user).first()
    return certificate_requirements(_facts(user, course, completion, profile))


@dataclass(frozen=True)
class Pending:
    """A completed CPD course whose certificate waits for something."""

    completion: CourseCompletion
    requirements: list[Requirement]

    @property
    def unmet(self) -> list[Requirement]:
        return [r for r in self.requirements if not r.met]


def certificates_pending(user: AnyUser) -> list[Pending]:
    """The learner's completed CPD courses without a current certificate, each with what
    it still needs (two queries)."""
    if not user.is_authenticated:
        return []
    completions = list(
        _with_feedback(
            CourseCompletion.objects.filter(
                user=user, course__audience=Course.Audience.CLINICIAN, certificates__isnull=True
            ).select_related("course")
        ).order_by("completed_at")
    )
    if not completions:
        return []
    profile = ClinicianProfile.objects.filter(user=user).first()
    return [
        Pending(c, certificate_requirements(_facts(user, c.course, c, profile)))
        for c in completions
    ]


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
    return bool(missing_details(user))


@dataclass(frozen=True)
class ModuleResult:
    title: str
    pass_mark: int
    best: float | None
    attempts: int
    passed_on: datetime | None  # the first passing attempt


@dataclass(frozen=True)
class CpdRecord:
    """A clinician's record of one CPD activity, for their portfolio: who, what, when,
    how long, what was assessed and how they did, and their reflection."""

    course: Course
    completion: CourseCompletion
    name: str
    profession: str
    registration_number: str
    started_at: datetime | None
    modules: list[ModuleResult]
    reflection: Reflection | None
    certificate: Certificate | None


def cpd_record(user: AnyUser, course: Course) -> CpdRecord | None:
    """The learner's CPD record of a course they completed, or None (five queries). The
    name and details are the certificate's when one was issued, else the current ones."""
    if not user.is_authenticated:
        return None
    completion = (
        CourseCompletion.objects.filter(user=user, course=course)
        .select_related("reflection")
        .first()
    )
    if completion is None:
        return None
    certificate = (
        Certificate.objects.filter(completion=completion, replaced_by__isnull=True)
        .order_by("-issued_at")
        .first()
    )
    profile = ClinicianProfile.objects.filter(user=user).first()
    enrollment = Enrollment.objects.filter(user=user, course=course).first()
    mine = Q(attempts__user=user)
    quizzes = (
        Quiz.objects.filter(course=course, lesson__isnull=True)
        .annotate(
            best=Max("attempts__score", filter=mine),
            tries=Count("attempts", filter=mine),
            passed_on=Min("attempts__submitted_at", filter=mine & Q(attempts__passed=True)),
        )
        .order_by("module__order", "order", "pk")
    )
    if certificate:
        name, profession = certificate.name, certificate.profession
        number = certificate.registration_number
    elif profile:
        name, profession = profile.certificate_name or user.name, profile.profession
        number = profile.registration_number
    else:
        name, profession, number = user.name, "", ""
    return CpdRecord(
        course=course,
        completion=completion,
        name=name,
        profession=profession,
        registration_number=number,
        started_at=enrollment.created_at if enrollment else None,
        modules=[
            ModuleResult(
                title=q.title,
                pass_mark=q.pass_mark,
                best=float(q.best) if q.best is not None else None,
                attempts=q.tries,
                passed_on=q.passed_on,
            )
            for q in quizzes
        ],
        reflection=getattr(completion, "reflection", None),
        certificate=certificate,
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
