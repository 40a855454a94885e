"""Reads for quizzes: item statistics for editors, scores for learners."""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Max, OuterRef, Q, Subquery

from accounts.types import AnyUser
from course.access import lessons_visible_to
from course.models import Course, Lesson, live_q

from .access import quizzes_visible_to
from .draw import PoolQuestion, default_draw, twin_groups
from .models import Answer, Attempt, Choice, Question, Quiz
from .services import QuestionFeedback

# Below this, strong learners do little better than weak ones on a question: check it.
LOW_DISCRIMINATION = 0.2


@dataclass
class ItemStatistics:
    question: Question
    answered: int
    facility: float | None  # mean score, percent: how easy the question is
    discrimination: float | None  # corrected item-total correlation, -1 to 1
    top_wrong: Choice | None  # the wrong option chosen most often
    top_wrong_count: int

    @property
    def low_discrimination(self) -> bool:
        return self.discrimination is not None and self.discrimination < LOW_DISCRIMINATION


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


def item_statistics(quiz: Quiz) -> list[ItemStatistics]:
    """Per question, over every submitted attempt: how many answered it, the facility
    (mean score), the discrimination and the most popular wrong option.

    Discrimination is the corrected item-total correlation: the Pearson correlation
    between the score on this question and the score on the rest of the attempt. Near
    zero or negative, strong learners do no better than weak ones: a question to check.
    Four queries, whatever the number of attempts.
    """
    questions = list(quiz.questions.order_by("order", "pk"))
    rows = list(
        Answer.objects.filter(attempt__quiz=quiz).values_list("attempt_id", "question_id", "score")
    )
    totals: dict[int, float] = defaultdict(float)
    per_question: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for attempt_id, question_id, score in rows:
        totals[attempt_id] += float(score)
        per_question[question_id].append((attempt_id, float(score)))

    wrong_counts = (
        Answer.choices.through.objects.filter(answer__attempt__quiz=quiz, choice__is_correct=False)
        .values("choice_id", "choice__question_id")
        .annotate(n=Count("id"))
        .order_by("-n", "choice_id")
    )
    top_wrong: dict[int, tuple[int, int]] = {}
    for row in wrong_counts:
        top_wrong.setdefault(row["choice__question_id"], (row["choice_id"], row["n"]))
    choices = {c.pk: c for c in Choice.objects.filter(pk__in=[c for c, _ in top_wrong.values()])}

    stats = []
    for question in questions:
        scores = per_question.get(question.pk, [])
        xs = [s for _, s in scores]
        rest = [totals[a] - s for a, s in scores]
        wrong = top_wrong.get(question.pk)
        stats.append(
            ItemStatistics(
                question=question,
                answered=len(scores),
                facility=round(100 * sum(xs) / len(xs), 1) if xs else None,
                discrimination=None if (r := pearson(xs, rest)) is None else round(r, 2),
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
