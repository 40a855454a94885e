"""What editors read about a CPD course's completers: each completion with the time spent
on the lessons, the sittings and best score per module quiz, the reflection and the
evaluation; and the evaluations in aggregate. Set-based: a fixed number of queries
whatever the number of completions."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Max, QuerySet, Sum

from course.models import Course, LessonProgress
from quizzes.models import Attempt, Quiz

from .models import Certificate, CourseCompletion, Evaluation, Rating, Reflection


@dataclass
class QuizResult:
    sittings: int = 0
    best: float | None = None


@dataclass
class CompletionRow:
    completion: CourseCompletion
    minutes_read: int  # time credited on the course's lessons, whole minutes
    # The learner's sittings and best per module quiz, in the order of the report's
    # quizzes; None for a quiz of another course.
    results: list[QuizResult | None]
    reflection: Reflection | None
    evaluation: Evaluation | None
    certificate: Certificate | None


@dataclass
class CompletionReport:
    quizzes: list[Quiz]  # the module quizzes of the courses, in course order
    rows: list[CompletionRow] = field(default_factory=list)


def completion_report(completions: QuerySet[CourseCompletion]) -> CompletionReport:
    """The completions with what editors read about each (five queries)."""
    completions = completions.select_related(
        "user", "course", "reflection", "evaluation"
    ).prefetch_related("certificates")
    items = list(completions.order_by("completed_at", "pk"))
    course_ids = {c.course_id for c in items}
    user_ids = {c.user_id for c in items}
    quizzes = list(
        Quiz.objects.filter(course_id__in=course_ids, lesson__isnull=True)
        .select_related("course")
        .order_by("course__order", "course_id", "module__order", "order", "pk")
    )
    results: dict[tuple[int, int], QuizResult] = {}
    for row in (
        Attempt.objects.filter(user_id__in=user_ids, quiz__in=quizzes)
        .values("user_id", "quiz_id")
        .annotate(n=Count("id"), best=Max("score"))
    ):
        results[(row["user_id"], row["quiz_id"])] = QuizResult(
            sittings=row["n"], best=float(row["best"])
        )
    seconds: dict[tuple[int, int], int] = defaultdict(int)
    for row in (
        LessonProgress.objects.filter(user_id__in=user_ids, course_id__in=course_ids)
        .values("user_id", "course_id")
        .annotate(total=Sum("engaged_seconds"))
    ):
        seconds[(row["user_id"], row["course_id"])] = row["total"] or 0
    report = CompletionReport(quizzes=quizzes)
    for completion in items:
        key = (completion.user_id, completion.course_id)
        report.rows.append(
            CompletionRow(
                completion=completion,
                minutes_read=round(seconds[key] / 60),
                results=[
                    results.get((completion.user_id, q.pk), QuizResult())
                    if q.course_id == completion.course_id
                    else None
                    for q in quizzes
                ],
                reflection=getattr(completion, "reflection", None),
                evaluation=getattr(completion, "evaluation", None),
                certificate=next(
                    (c for c in completion.certificates.all() if not c.replaced_by_id), None
                ),
            )
        )
    return report


@dataclass
class StatementSummary:
    statement: str
    counts: list[int]  # how many chose 1, 2, 3, 4, 5
    mean: float | None

    @property
    def answered(self) -> int:
        return sum(self.counts)

    @property
    def agree(self) -> int:
        """Percent who agree or strongly agree."""
        return round(100 * sum(self.counts[3:]) / self.answered) if self.answered else 0


@dataclass
class EvaluationSummary:
    course: Course
    evaluations: int
    statements: list[StatementSummary]
    comments: list[tuple[datetime, str]]  # newest first


def evaluation_summary(course: Course, *, comments: int = 50) -> EvaluationSummary:
    """A course's evaluations in aggregate: per statement how many chose each rating and
    the mean, and the latest comments without names (two queries)."""
    evaluations = Evaluation.objects.filter(completion__course=course)
    counts = {name: [0] * len(Rating.values) for name in Evaluation.STATEMENTS}
    rows = list(evaluations.values_list(*Evaluation.STATEMENTS))
    for row in rows:
        for name, value in zip(Evaluation.STATEMENTS, row, strict=True):
            counts[name][value - 1] += 1
    statements = []
    for name, statement in Evaluation.STATEMENTS.items():
        tally = counts[name]
        answered = sum(tally)
        weighted = sum(v * n for v, n in zip(Rating.values, tally, strict=True))
        mean = round(weighted / answered, 2) if answered else None
        statements.append(StatementSummary(statement, tally, mean))
    latest = (
        evaluations.exclude(comment="")
        .order_by("-submitted_at")
        .values_list("submitted_at", "comment")[:comments]
    )
    return EvaluationSummary(course, len(rows), statements, list(latest))


def report_csv_rows(report: CompletionReport) -> tuple[list[str], Iterable[list[object]]]:
    """The report as a spreadsheet: the header, then one row per completion."""
    header = [
        "email",
        "name",
        "course",
        "completed_at",
        "minutes_read",
        *[f"{q.title}: sittings" for q in report.quizzes],
        *[f"{q.title}: best %" for q in report.quizzes],
        "what_was_new",
        "change_in_practice",
        *[f"rating: {s}" for s in Evaluation.STATEMENTS.values()],
        "comment",
        "certificate_code",
        "certificate_status",
        "cpd_hours",
        "certificate_name",
        "profession",
        "registration_number",
    ]

    def rows() -> Iterable[list[object]]:
        for row in report.rows:
            c, e, cert = row.completion, row.evaluation, row.certificate
            reflection = row.reflection
            yield [
                c.user.email,
                c.user.name,
                c.course.title,
                c.completed_at.isoformat(),
                row.minutes_read,
                *[r.sittings if r else "" for r in row.results],
                *[_score(r.best) if r else "" for r in row.results],
                reflection.learned if reflection else "",
                reflection.change if reflection else "",
                *[getattr(e, name) if e else "" for name in Evaluation.STATEMENTS],
                e.comment if e else "",
                cert.code if cert else "",
                cert.status if cert else "",
                cert.cpd_hours if cert else "",
                cert.name if cert else "",
                cert.profession if cert else "",
                cert.registration_number if cert else "",
            ]

    return header, rows()


def _score(best: float | None) -> object:
    return "" if best is None else f"{best:g}"
