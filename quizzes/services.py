"""Taking a quiz: validate a submission, score it and save it whole, or not at all."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.types import AnyUser
from lib.errors import AppError, ErrorKind

from . import signals
from .models import (
    Answer,
    Attempt,
    Choice,
    Confidence,
    Question,
    Quiz,
    Sitting,
    offered_choices,
)
from .scoring import (
    ZERO,
    CertaintySummary,
    answer_score,
    cbm_mark,
    certainty_summary,
    confidently_wrong,
    percent,
    signed,
)
from .sittings import check_may_take, open_or_draw, sitting_open, sitting_questions


class AnswersIncomplete(AppError):
    """Some questions lack a fitting answer (`problems`, by question) or, where it is
    asked for, how sure the learner is (`unsure`, by question)."""

    def __init__(
        self, message: str, *, problems: dict[int, str], unsure: dict[int, str] | None = None
    ):
        extra: dict[str, object] = {"questions": {str(k): v for k, v in problems.items()}}
        if unsure:
            extra["confidence"] = {str(k): v for k, v in unsure.items()}
        super().__init__(message, extra=extra)
        self.problems = problems  # question id → what is wrong with its answer
        self.unsure = unsure or {}  # question id → what is wrong with its confidence


NO_CONFIDENCE = "Say how sure you are."


def _incomplete_message(answers: int, confidences: int) -> str:
    """What is missing, in as few words as it allows: for example, 2 questions need an
    answer, and 3 how sure you are, before the quiz can be marked."""

    def questions(n: int) -> str:
        return f"{n} question{'s' if n != 1 else ''}"

    if not answers:
        return f"Say how sure you are for {questions(confidences)} before the quiz can be marked."
    need = "needs" if answers == 1 else "need"
    also = f", and {confidences} how sure you are," if confidences else ""
    return f"{questions(answers)} {need} an answer{also} before the quiz can be marked."


class AlreadySubmitted(AppError):
    """The same submission (by its key) was recorded before, as `attempt`."""

    kind = ErrorKind.ALREADY_DONE

    def __init__(self, attempt: Attempt | None):
        super().__init__(
            "This submission was already recorded.",
            extra={"attempt": attempt.pk} if attempt is not None else {},
        )
        self.attempt = attempt  # the attempt already recorded


def questions_of(quiz: Quiz) -> list[Question]:
    """The quiz's questions with the choices offered now (two queries): every question
    of a self-check; a module quiz's whole pool (a learner sees a sitting's draw)."""
    return list(quiz.questions.prefetch_related(offered_choices()).order_by("order", "pk"))


def questions_to_take(
    *, user: AnyUser, quiz: Quiz, now: datetime | None = None
) -> tuple[Sitting | None, list[Question]]:
    """What the learner answers now: a self-check's every question (no sitting), or the
    questions of their open sitting of a module quiz, drawn now if none is open. Raises
    as `sitting_open` does (RetakeNotYet during a cool-down)."""
    if quiz.lesson_id is not None:
        return None, questions_of(quiz)
    sitting = sitting_open(user=user, quiz=quiz, now=now)
    return sitting, sitting_questions(sitting)


def _checked_questions_to_take(
    user: User, quiz: Quiz, now: datetime | None
) -> tuple[Sitting | None, list[Question]]:
    if quiz.lesson_id is not None:
        return None, questions_of(quiz)
    sitting = open_or_draw(user=user, quiz=quiz, now=now)
    return sitting, sitting_questions(sitting)


def attempt_submit(
    *,
    user: AnyUser,
    quiz: Quiz,
    answers: dict[int, list[int]],
    confidences: Mapping[int, int] | None = None,
    confidence_required: bool = False,
    submission_key: uuid.UUID | None = None,
    now: datetime | None = None,
) -> Attempt:
    """Record a scored attempt. `answers` maps question id → chosen choice ids;
    `confidences` question id → how sure the learner was (a Confidence value), for
    the questions where they said so; with `confidence_required` (the quiz page) every
    question needs one.

    Raises AppError: INVALID for an answer that does not fit the quiz (AnswersIncomplete
    when questions lack a fitting answer, or a required confidence), SIGN_IN, NOT_FOUND
    or NOT_ALLOWED when the user may not take it, AlreadySubmitted for a submission
    recorded before, RetakeNotYet while a failed module quiz cools down. A module quiz
    is answered for the questions of the learner's open sitting, exactly (one is drawn
    if none is open); an answer to a question of the pool that was not drawn is INVALID.
    Nothing but that sitting is saved unless everything is valid.
    """
    user = check_may_take(user, quiz, now)
    if submission_key is not None:
        # Before anything else: a retry of a recorded submission is recognised even
        # though its sitting is closed (and a failed quiz is cooling down).
        earlier = Attempt.objects.filter(user=user, submission_key=submission_key).first()
        if earlier is not None:
            raise AlreadySubmitted(earlier)

    sitting, questions = _checked_questions_to_take(user, quiz, now)
    by_id = {q.pk: q for q in questions}
    confidences = confidences or {}
    problems: dict[int, str] = {}
    unsure: dict[int, str] = {}
    for question_id in [*answers, *(k for k in confidences if k not in answers)]:
        if question_id in by_id:
            continue
        if sitting is not None and quiz.questions.filter(pk=question_id).exists():
            raise AppError(
                f"Question {question_id} was not drawn for this sitting: answer the "
                "questions it shows."
            )
        raise AppError(f"Question {question_id} is not part of this quiz.")
    for question in questions:
        chosen = answers.get(question.pk) or []
        options = {c.pk for c in question.choices.all()}
        if not chosen:
            problems[question.pk] = "Choose an answer."
        elif len(set(chosen)) != len(chosen):
            problems[question.pk] = "An option was chosen twice."
        elif not_here := [c for c in chosen if c not in options]:
            raise AppError(f"Option {not_here[0]} does not belong to question {question.pk}.")
        elif len(chosen) > 1 and not question.expects_many:
            problems[question.pk] = "Choose one answer."
        confidence = confidences.get(question.pk)
        if confidence is not None and confidence not in Confidence.values:
            raise AppError(
                f"Confidence {confidence} for question {question.pk} is not one of 1 "
                "(guessing), 2 (fairly sure) or 3 (sure)."
            )
        if confidence is None and confidence_required:
            unsure[question.pk] = NO_CONFIDENCE
    if problems or unsure:
        raise AnswersIncomplete(
            _incomplete_message(len(problems), len(unsure)), problems=problems, unsure=unsure
        )

    scored = []
    for question in questions:
        picked = set(answers[question.pk])
        correct = {c.pk for c in question.choices.all() if c.is_correct}
        scored.append(
            (
                question,
                picked,
                answer_score(chosen=picked, correct=correct, many=question.expects_many),
            )
        )
    score = percent(sum((s for _, _, s in scored), ZERO), len(questions))
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                user=user,
                quiz=quiz,
                submission_key=submission_key or uuid.uuid4(),
                submitted_at=now or timezone.now(),
                score=score,
                passed=score >= quiz.pass_mark,
            )
            if sitting is not None:
                # Close the sitting with this attempt, only if still open: two different
                # submissions of one sitting (two tabs) make one attempt, not two.
                closed = Sitting.objects.filter(pk=sitting.pk, attempt__isnull=True).update(
                    attempt=attempt
                )
                if not closed:
                    raise AlreadySubmitted(Attempt.objects.filter(sitting__pk=sitting.pk).first())
            # Each answer keeps the version of its question read with the options that
            # scored it above (the rows this submission loaded), not a fresh read: an
            # editor publishing meanwhile must not relabel what this learner answered.
            rows = Answer.objects.bulk_create(
                Answer(
                    attempt=attempt,
                    question=q,
                    question_version=q.version,
                    score=s,
                    confidence=confidences.get(q.pk),
                )
                for q, _, s in scored
            )
            Answer.choices.through.objects.bulk_create(
                Answer.choices.through(answer_id=row.pk, choice_id=choice_id)
                for row, (_, chosen, _) in zip(rows, scored, strict=True)
                for choice_id in chosen
            )
            # The reviews app turns each question answered for the first time into a card.
            signals.attempt_recorded.send(
                sender=Attempt,
                attempt=attempt,
                now=attempt.submitted_at,
                results=[
                    signals.AnsweredQuestion(
                        question=q,
                        answer=row,
                        score=s,
                        confidence=row.confidence,
                        chosen=frozenset(chosen),
                    )
                    for row, (q, chosen, s) in zip(rows, scored, strict=True)
                ],
            )
    except IntegrityError:
        # The same submission arrived twice at once; the other request recorded it.
        earlier = (
            Attempt.objects.filter(user=user, submission_key=submission_key).first()
            if submission_key is not None
            else None  # a key of our own cannot have been taken
        )
        raise AlreadySubmitted(earlier) from None
    signals.attempt_submitted.send(sender=Attempt, attempt=attempt)
    return attempt


@dataclass
class OptionFeedback:
    choice: Choice
    chosen: bool


@dataclass
class QuestionFeedback:
    question: Question
    score: float
    options: list[OptionFeedback]
    number: int = 0  # its place in the attempt, from 1
    confidence: int | None = None  # how sure the learner said they were, if they did
    fraction: Decimal = ZERO  # the score as stored, for the certainty-based mark
    # The version of the question answered; `versions.as_answered` shows that version
    # when the question has been revised since.
    version: int = 1
    revised: bool = False  # revised since it was answered
    shown_as_answered: bool = False  # ... and shown as it was then

    @property
    def missed(self) -> bool:
        return self.score < 1

    @property
    def cbm_mark(self) -> Decimal | None:
        """The certainty-based mark (−6 to +3), or None when no confidence was given."""
        return None if self.confidence is None else cbm_mark(self.fraction, self.confidence)

    @property
    def cbm_text(self) -> str:
        mark = self.cbm_mark
        return "" if mark is None else signed(mark)

    @property
    def confidence_label(self) -> str:
        return "" if self.confidence is None else Confidence(self.confidence).label

    @property
    def confidently_wrong(self) -> bool:
        """Missed, though fairly sure or sure (`scoring.confidently_wrong`)."""
        return confidently_wrong(right=not self.missed, confidence=self.confidence)


def attempt_feedback(attempt: Attempt) -> list[QuestionFeedback]:
    """Every question of an attempt with every option, whether it was chosen, and its
    explanation (four queries). An attempt of a sitting shows the sitting's questions
    only, never the rest of the pool; an attempt from before sittings, every question."""
    answers = {a.question_id: a for a in attempt.answers.prefetch_related("choices")}
    drawn = Sitting.objects.filter(attempt=attempt).values_list("question_ids", flat=True).first()
    every = attempt.quiz.questions.select_related("lesson__course").prefetch_related("choices")
    if drawn is None:
        questions = list(every)
    else:
        found = {q.pk: q for q in every.filter(pk__in=drawn)}
        questions = [found[int(i)] for i in drawn if int(i) in found]
    feedback = []
    for number, question in enumerate(questions, start=1):
        answer = answers.get(question.pk)
        chosen = {c.pk for c in answer.choices.all()} if answer else set()
        feedback.append(
            QuestionFeedback(
                question=question,
                number=number,
                score=float(answer.score) if answer else 0.0,
                fraction=answer.score if answer else ZERO,
                confidence=answer.confidence if answer else None,
                version=answer.question_version if answer else question.version,
                # A retired option is shown only to the learners who chose it.
                options=[
                    OptionFeedback(choice=c, chosen=c.pk in chosen)
                    for c in question.choices.all()
                    if not c.retired or c.pk in chosen
                ],
            )
        )
    return feedback


def certainty_of(feedback: list[QuestionFeedback]) -> CertaintySummary:
    """The attempt's certainty-based mark and its table, over the answers given with a
    confidence (no queries: the feedback carries them)."""
    return certainty_summary(
        [(item.fraction, item.confidence) for item in feedback if item.confidence is not None],
        questions=len(feedback),
    )
