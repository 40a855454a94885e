"""Reads for quizzes: item statistics for editors, scores for learners."""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery

from accounts.types import AnyUser
from course.access import lessons_visible_to
from course.models import Course, Lesson, live_q

from .access import quizzes_visible_to
from .draw import PoolQuestion, default_draw, twin_groups
from .models import Answer, Attempt, Choice, Question, Quiz
from .services import QuestionFeedback

# Below this correlation (Moodle's discrimination index below 20), strong learners do
# little better than weak ones on a question: check it.
LOW_DISCRIMINATION = 0.2
# Fewer answers than this, and the correlation is mostly chance (its standard error is
# about 1/√n, 0.18 at 30): the page says "too few answers" rather than flag the question.
MIN_ANSWERS_TO_FLAG = 30


class AttemptsCounted(StrEnum):
    """Which attempts item statistics count: each learner's first at the quiz, or every
    attempt. First by default: a retake comes after the learner has seen the answers
    and their explanations, so it says less about the question. (Moodle's statistics
    report once counted first attempts unless asked for all; it now starts from the
    quiz's grading method, one of whose choices is the first attempt.)"""

    FIRST = "first"
    ALL = "all"


@dataclass
class ItemStatistics:
    """One version of one question, over the attempts counted."""

    question: Question
    number: int  # the question's place in the quiz, from 1 (its versions share it)
    version: int  # the version answered (the question's current one is question.version)
    answered: int
    facility: float | None  # mean score, percent: how easy the question is
    discrimination: float | None  # corrected item-total correlation, -1 to 1
    discrimination_index: float | None  # Moodle's: the same correlation × 100
    discriminative_efficiency: float | None  # Moodle's: percent of the most it could be
    top_wrong: Choice | None  # the wrong option (by today's key) chosen most often
    top_wrong_count: int

    @property
    def current(self) -> bool:
        return self.version == self.question.version

    @property
    def version_label(self) -> str:
        return f"v{self.version}"

    @property
    def too_few_answers(self) -> bool:
        """Answered, but too seldom for its discrimination to say much."""
        return 0 < self.answered < MIN_ANSWERS_TO_FLAG

    @property
    def low_discrimination(self) -> bool:
        return (
            not self.too_few_answers
            and self.discrimination is not None
            and self.discrimination < LOW_DISCRIMINATION
        )

    @property
    def note(self) -> str:
        """The flag as the table and the CSV show it."""
        if self.low_discrimination:
            return "check"
        return "too few answers" if self.too_few_answers else ""


def pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None  # everyone scored the same: the question cannot discriminate
    return sxy / math.sqrt(sxx * syy)


def discrimination_index(marks: list[float], rest: list[float]) -> float | None:
    """Moodle's discrimination index: 100 × the correlation between the mark on the
    question and the mark on the rest of the test, over the attempts that answered it
    (moodle/moodle, question/classes/statistics/questions/calculator.php,
    secondary_question_walker: 100 · covariance / √(mark variance · other mark variance)).
    None when either has no spread (or fewer than two answers), as there."""
    r = pearson(marks, rest)
    return None if r is None else 100 * r


def discriminative_efficiency(marks: list[float], rest: list[float]) -> float | None:
    """Moodle's discriminative efficiency: 100 × the covariance of the mark on the
    question with the mark on the rest of the test, over the largest covariance the two
    could have with the same marks: that of the marks and the rest each sorted in
    ascending order and paired off, best with best (Moodle's calculator.php,
    secondary_steps_walker's covariancemaxsum and secondary_question_walker). Unlike the
    index it does not punish a very easy or very hard question for the little spread its
    marks can have. None when that largest covariance is zero (or fewer than two answers).
    """
    n = len(marks)
    if n < 2:
        return None
    mean_mark, mean_rest = sum(marks) / n, sum(rest) / n
    covariance = sum((m - mean_mark) * (r - mean_rest) for m, r in zip(marks, rest, strict=True))
    most = sum(
        (m - mean_mark) * (r - mean_rest) for m, r in zip(sorted(marks), sorted(rest), strict=True)
    )
    # Both sums over n - 1 in Moodle: the ratio is the same.
    return None if most == 0 else 100 * covariance / most


def counted_attempts(quiz: Quiz, counted: AttemptsCounted) -> QuerySet[Attempt]:
    """The quiz's attempts item statistics count: every one, or each learner's first
    (the earliest submitted; the first made, of two submitted at the same moment)."""
    attempts = Attempt.objects.filter(quiz=quiz)
    if counted == AttemptsCounted.ALL:
        return attempts
    first = (
        Attempt.objects.filter(quiz=quiz, user=OuterRef("user"))
        .order_by("submitted_at", "pk")
        .values("pk")[:1]
    )
    return attempts.filter(pk=Subquery(first))


@dataclass(frozen=True)
class AttemptCounts:
    all: int  # every submitted attempt
    first: int  # each learner's first: one per learner

    def of(self, counted: AttemptsCounted) -> int:
        return self.first if counted == AttemptsCounted.FIRST else self.all


def attempt_counts(quiz: Quiz) -> AttemptCounts:
    """How many attempts the statistics count either way (one query)."""
    counts = Attempt.objects.filter(quiz=quiz).aggregate(
        all=Count("pk"), first=Count("user", distinct=True)
    )
    return AttemptCounts(all=counts["all"], first=counts["first"])


def item_statistics(
    quiz: Quiz, counted: AttemptsCounted = AttemptsCounted.FIRST
) -> list[ItemStatistics]:
    """Per question and version answered, over the attempts counted (each learner's
    first by default): how many answered it, the facility (mean score), the
    discrimination and the most popular wrong option. The questions come in the quiz's
    order, each's current version first, then the older ones from the newest; the
    current version has a row even before anyone answers it.

    Discrimination is the corrected item-total correlation: the Pearson correlation
    between the score on this question and the score on the rest of the attempt (of a
    module quiz, the rest of that sitting's draw). Near zero or negative, strong
    learners do no better than weak ones: a question to check. Moodle reports it × 100
    as the discrimination index, beside its discriminative efficiency (see those
    functions). Four queries, whatever the number of attempts.
    """
    questions = list(quiz.questions.order_by("order", "pk"))
    attempts = counted_attempts(quiz, counted)
    rows = list(
        Answer.objects.filter(attempt__in=attempts).values_list(
            "attempt_id", "question_id", "question_version", "score"
        )
    )
    totals: dict[int, float] = defaultdict(float)
    per_item: dict[tuple[int, int], list[tuple[int, float]]] = defaultdict(list)
    for attempt_id, question_id, version, score in rows:
        totals[attempt_id] += float(score)
        per_item[question_id, version].append((attempt_id, float(score)))

    wrong_counts = (
        Answer.choices.through.objects.filter(
            answer__attempt__in=attempts, choice__is_correct=False
        )
        .values("choice_id", "choice__question_id", "answer__question_version")
        .annotate(n=Count("id"))
        .order_by("-n", "choice_id")
    )
    top_wrong: dict[tuple[int, int], tuple[int, int]] = {}
    for row in wrong_counts:
        item = (row["choice__question_id"], row["answer__question_version"])
        top_wrong.setdefault(item, (row["choice_id"], row["n"]))
    choices = {c.pk: c for c in Choice.objects.filter(pk__in=[c for c, _ in top_wrong.values()])}

    versions: dict[int, set[int]] = defaultdict(set)
    for question_id, version in per_item:
        versions[question_id].add(version)
    stats = []
    for number, question in enumerate(questions, start=1):
        current = question.version
        for version in sorted(versions[question.pk] | {current}, key=lambda v: (v != current, -v)):
            scores = per_item.get((question.pk, version), [])
            xs = [s for _, s in scores]
            rest = [totals[a] - s for a, s in scores]
            wrong = top_wrong.get((question.pk, version))
            index = discrimination_index(xs, rest)
            efficiency = discriminative_efficiency(xs, rest)
            stats.append(
                ItemStatistics(
                    question=question,
                    number=number,
                    version=version,
                    answered=len(scores),
                    facility=round(100 * sum(xs) / len(xs), 1) if xs else None,
                    discrimination=None if index is None else round(index / 100, 2),
                    discrimination_index=None if index is None else round(index, 1),
                    discriminative_efficiency=None if efficiency is None else round(efficiency, 1),
                    top_wrong=choices.get(wrong[0]) if wrong else None,
                    top_wrong_count=wrong[1] if wrong else 0,
                )
            )
    return stats


@dataclass
class QuizScore:
    quiz: Quiz
    best: float | None
    latest: float | None
    latest_passed: bool | None
    ever_passed: bool


def course_quiz_scores(
    user: AnyUser, course: Course, now: datetime | None = None
) -> list[QuizScore]:
    """The course's quizzes with the learner's best and latest scores (one query)."""
    quizzes = quizzes_visible_to(user, now).filter(course=course).select_related("lesson", "module")
    if user.is_authenticated:
        mine = Attempt.objects.filter(user=user, quiz=OuterRef("pk")).order_by("-submitted_at")
        quizzes = quizzes.annotate(
            best=Max("attempts__score", filter=Q(attempts__user=user)),
            latest=Subquery(mine.values("score")[:1]),
            latest_passed=Subquery(mine.values("passed")[:1]),
        )
    result = []
    for quiz in quizzes.order_by("module__order", "lesson__order", "order", "pk"):
        # Annotated only for a signed-in learner.
        best = getattr(quiz, "best", None)
        latest = getattr(quiz, "latest", None)
        result.append(
            QuizScore(
                quiz=quiz,
                best=float(best) if best is not None else None,
                latest=float(latest) if latest is not None else None,
                latest_passed=getattr(quiz, "latest_passed", None),
                ever_passed=best is not None and best >= quiz.pass_mark,
            )
        )
    return result


def module_quiz_cases(course: Course, now: datetime | None = None) -> int:
    """How many cases a learner answers in one sitting of each of the course's live
    module quizzes, added up: each quiz's draw from its pool (two queries). Lessons'
    self-checks are not counted."""
    rows = list(
        Question.objects.filter(
            live_q("quiz__module__", now), quiz__course=course, quiz__lesson__isnull=True
        ).values_list("pk", "quiz_id", "quiz__draw", "lesson_id")
    )
    pairs = Question.twins.through.objects.filter(
        from_question_id__in=[pk for pk, *_ in rows]
    ).values_list("from_question_id", "to_question_id")
    groups = twin_groups([pk for pk, *_ in rows], pairs)
    pools: dict[int, list[PoolQuestion]] = defaultdict(list)
    draws: dict[int, int | None] = {}
    for pk, quiz_id, draw, lesson_id in rows:
        pools[quiz_id].append(PoolQuestion(id=pk, group=groups[pk], lesson=lesson_id))
        draws[quiz_id] = draw
    return sum(min(draws[q] or default_draw(pool), len(pool)) for q, pool in pools.items())


def feedback_lessons(user: AnyUser, feedback: Iterable[QuestionFeedback]) -> set[int]:
    """Of the lessons the feedback links to, those this user may open (one query): a
    lesson taken back to draft is not offered."""
    wanted = {f.question.lesson_id for f in feedback if f.question.lesson_id}
    if not wanted:
        return set()
    return set(lessons_visible_to(user).filter(pk__in=wanted).values_list("pk", flat=True))


@dataclass
class StudyFirst:
    lesson: Lesson
    missed: int  # questions missed that this lesson teaches


def study_first(feedback: Iterable[QuestionFeedback], visible: set[int]) -> list[StudyFirst]:
    """The lessons behind the missed questions, the one behind most misses first (then
    in the quiz's order); lessons this user may not open are left out. No queries: the
    feedback carries its lessons."""
    rows: dict[int, StudyFirst] = {}
    for item in feedback:
        lesson = item.question.lesson
        if item.missed and lesson is not None and lesson.pk in visible:
            rows.setdefault(lesson.pk, StudyFirst(lesson=lesson, missed=0)).missed += 1
    return sorted(rows.values(), key=lambda row: -row.missed)  # stable: quiz order kept


def quizzes_for_lesson(
    user: AnyUser, lesson: Lesson, *, last_in_module: bool, now: datetime | None = None
) -> list[Quiz]:
    """The lesson's self-check, and the module's quiz after its last lesson (one query)."""
    wanted = Q(lesson=lesson)
    if last_in_module:
        wanted |= Q(module_id=lesson.module_id, lesson__isnull=True)
    return list(
        quizzes_visible_to(user, now)
        .filter(wanted)
        .order_by(F("lesson_id").asc(nulls_last=True), "pk")
    )


# --- The editors' dashboard ----------------------------------------------------------


@dataclass(frozen=True)
class ModuleQuizOutcome:
    quiz: Quiz
    sat: int  # learners with at least one submitted attempt
    passed: int  # of those, learners who have passed it at least once
    attempts_to_pass: int  # attempts up to and including each passer's first pass, summed

    @property
    def pass_percent(self) -> float | None:
        return 100 * self.passed / self.sat if self.sat else None

    @property
    def mean_attempts_to_pass(self) -> float | None:
        """How many attempts a learner who passed needed, on average (1.0: all at once)."""
        return self.attempts_to_pass / self.passed if self.passed else None


def module_quiz_outcomes() -> list[ModuleQuizOutcome]:
    """Every module quiz (not the lessons' self-checks), in reading order, with who sat
    it, who passed and how many attempts passing took. Two queries, whatever the number
    of learners or attempts."""
    quizzes = list(
        Quiz.objects.filter(lesson__isnull=True)
        .select_related("course", "module")
        .order_by("course__order", "course__title", "module__order", "order", "pk")
    )
    first_pass = (
        Attempt.objects.filter(user=OuterRef("user"), quiz=OuterRef("quiz"), passed=True)
        .order_by("submitted_at", "pk")
        .values("submitted_at")[:1]
    )
    # Each attempt carries its learner's first pass of the quiz (null if none), so that the
    # attempts up to it are counted in the same grouped query.
    figures = {
        row["quiz"]: row
        for row in Attempt.objects.filter(quiz__lesson__isnull=True)
        .annotate(first_pass=Subquery(first_pass))
        .values("quiz")
        .annotate(
            sat=Count("user", distinct=True),
            passed=Count("user", distinct=True, filter=Q(passed=True)),
            to_pass=Count("pk", filter=Q(submitted_at__lte=F("first_pass"))),
        )
        .order_by()
    }
    empty = {"sat": 0, "passed": 0, "to_pass": 0}
    return [
        ModuleQuizOutcome(
            quiz=quiz,
            sat=(row := figures.get(quiz.pk, empty))["sat"],
            passed=row["passed"],
            attempts_to_pass=row["to_pass"],
        )
        for quiz in quizzes
    ]
