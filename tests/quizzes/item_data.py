"""Attempts written straight to the database for the item statistics tests: who answered
which option of which question version, and when, without the rules of taking a quiz
(cool-downs, sittings) in the way."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from quizzes.models import Answer, Attempt, Question, Quiz
from tests.factories import UserFactory

T0 = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def option(question: Question, index: int) -> int:
    return list(question.choices.order_by("order").values_list("pk", flat=True))[index]


def record(
    quiz: Quiz,
    picks: dict[Question, int],
    *,
    user=None,
    at: datetime = T0,
    versions: dict[Question, int] | None = None,
) -> Attempt:
    """One submitted attempt: each question answered with its option number `picks[q]`,
    scored 1 if that option is right, else 0, at the question's current version unless
    `versions` says otherwise."""
    versions = versions or {}
    right = {q: q.choices.order_by("order")[i].is_correct for q, i in picks.items()}
    score = Decimal(100 * sum(right.values())) / len(picks)
    attempt = Attempt.objects.create(
        user=user or UserFactory(),
        quiz=quiz,
        submitted_at=at,
        score=score.quantize(Decimal("0.01")),
        passed=score >= quiz.pass_mark,
    )
    for question, index in picks.items():
        answer = Answer.objects.create(
            attempt=attempt,
            question=question,
            score=Decimal(1 if right[question] else 0),
            question_version=versions.get(question, question.version),
        )
        answer.choices.add(option(question, index))
    return attempt


def later(hours: int) -> datetime:
    return T0 + timedelta(hours=hours)
