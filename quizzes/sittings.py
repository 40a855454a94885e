"""Sittings of a module quiz: the questions drawn for one learner from the quiz's pool,
and the cool-down before a failed quiz may be taken again.

A lesson's self-check has no sittings: it shows every question and may be retaken at
once. A module quiz shows a sitting's questions only (see quizzes/draw.py for the draw),
and after a failed attempt the next sitting waits `quiz.retake_after_hours`, so that the
feedback of one sitting (every option explained) cannot be copied straight into the next.
"""

import random
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from accounts.types import AnyUser
from course.access import LessonAccess
from lib.errors import AppError, ErrorKind

from .access import quiz_access
from .draw import PoolQuestion, default_draw, draw_questions, twin_groups
from .models import Answer, Attempt, Question, Quiz, Sitting, offered_choices


class RetakeNotYet(AppError):
    """A failed module quiz is still cooling down; it opens at `opens_at`."""

    kind = ErrorKind.COOLING_DOWN

    def __init__(self, *, opens_at: datetime, attempt: Attempt):
        super().__init__(
            "You can retake this quiz once the time to study has passed; "
            "go over the feedback on your last attempt first.",
            extra={"opens_at": opens_at.isoformat(), "attempt": attempt.pk},
        )
        self.opens_at = opens_at
        self.attempt = attempt  # the failed attempt, whose feedback is worth reading


def check_may_take(user: AnyUser, quiz: Quiz, now: datetime | None = None) -> User:
    """The signed-in learner, if they may take the quiz; else AppError (SIGN_IN, NOT_FOUND
    or NOT_ALLOWED)."""
    if not isinstance(user, User) or not user.is_authenticated:
        raise AppError("Sign in to take this quiz.", ErrorKind.SIGN_IN)
    access = quiz_access(user, quiz, now=now)
    if access is LessonAccess.HIDDEN:
        raise AppError("No such quiz.", ErrorKind.NOT_FOUND)
    if access is LessonAccess.LOCKED:
        raise AppError("Enrol in the course to take this quiz.", ErrorKind.NOT_ALLOWED)
    return user


def retake_opens_at(
    user: User, quiz: Quiz, now: datetime | None = None
) -> tuple[datetime, Attempt] | None:
    """When the next sitting may start, with the failed attempt that holds it back, or
    None if it may start now. Only a module quiz the learner has not passed cools down:
    once passed, a retake is practice (one or two queries)."""
    if quiz.lesson_id is not None or quiz.retake_after_hours == 0:
        return None
    latest = Attempt.objects.filter(user=user, quiz=quiz).order_by("-submitted_at").first()
    if latest is None or latest.passed:
        return None
    opens_at = latest.submitted_at + timedelta(hours=quiz.retake_after_hours)
    if opens_at <= (now or timezone.now()):
        return None
    if has_passed(user, quiz):
        return None
    return opens_at, latest


def has_passed(user: User, quiz: Quiz) -> bool:
    return Attempt.objects.filter(user=user, quiz=quiz, passed=True).exists()


def pool_of(quiz: Quiz) -> list[PoolQuestion]:
    """The quiz's questions as the draw sees them: id, twin group, lesson (two queries)."""
    rows = list(quiz.questions.order_by("order", "pk").values_list("pk", "lesson_id"))
    pairs = Question.twins.through.objects.filter(from_question__quiz=quiz).values_list(
        "from_question_id", "to_question_id"
    )
    groups = twin_groups([pk for pk, _ in rows], pairs)
    return [PoolQuestion(id=pk, group=groups[pk], lesson=lesson) for pk, lesson in rows]


def draw_size(quiz: Quiz, pool: list[PoolQuestion]) -> int:
    """Questions per sitting: the editor's `draw`, else one per twin group; never more
    than the pool holds."""
    return min(quiz.draw or default_draw(pool), len(pool))


def open_sitting(user: User, quiz: Quiz) -> Sitting | None:
    return Sitting.objects.filter(user=user, quiz=quiz, attempt__isnull=True).first()


def sitting_open(
    *,
    user: AnyUser,
    quiz: Quiz,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> Sitting:
    """The learner's open sitting of a module quiz, or a new one drawn from the pool.

    Raises AppError as `check_may_take` does, and RetakeNotYet while a failed attempt
    cools down. Reopening returns the same sitting: same questions, same order.
    """
    if quiz.lesson_id is not None:
        raise AppError("A lesson's self-check shows every question; it has no sittings.")
    return open_or_draw(user=check_may_take(user, quiz, now), quiz=quiz, now=now, rng=rng)


def open_or_draw(
    *, user: User, quiz: Quiz, now: datetime | None = None, rng: random.Random | None = None
) -> Sitting:
    """`sitting_open` for a learner already checked (`check_may_take`)."""
    sitting = open_sitting(user, quiz)
    if sitting is not None:
        return sitting
    if held := retake_opens_at(user, quiz, now):
        raise RetakeNotYet(opens_at=held[0], attempt=held[1])
    pool = pool_of(quiz)
    last_presented = dict(
        Answer.objects.filter(attempt__user=user, attempt__quiz=quiz)
        .values("question_id")
        .annotate(last=Max("attempt__submitted_at"))
        .values_list("question_id", "last")
    )
    drawn = draw_questions(
        pool,
        count=draw_size(quiz, pool),
        last_presented=last_presented,
        rng=rng or random.SystemRandom(),
    )
    try:
        with transaction.atomic():
            return Sitting.objects.create(
                user=user, quiz=quiz, question_ids=drawn, started_at=now or timezone.now()
            )
    except IntegrityError:
        # Another request (a second tab, a double click) opened one first: the partial
        # unique constraint keeps one open sitting, and both requests show it.
        sitting = open_sitting(user, quiz)
        if sitting is None:  # it was submitted in between; a rare race, not a bug
            raise AppError(
                "This quiz was just submitted; open it again.", ErrorKind.STALE
            ) from None
        return sitting


def sitting_questions(sitting: Sitting) -> list[Question]:
    """The sitting's questions in the order shown, with the options offered now (two
    queries). A question removed from the pool since the draw is left out."""
    ids = [int(i) for i in sitting.question_ids]
    found = {
        q.pk: q for q in Question.objects.filter(pk__in=ids).prefetch_related(offered_choices())
    }
    return [found[i] for i in ids if i in found]
