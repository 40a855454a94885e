"""How an answer is scored. Pure functions: no database."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .models import Confidence

ONE = Decimal(1)
ZERO = Decimal(0)


def answer_score(*, chosen: set[int], correct: set[int], many: bool) -> Decimal:
    """The score of one answer, from 0 to 1.

    One correct option (single best answer, or a pain map with one right region): 1 if
    exactly that option is chosen, else 0.

    Several correct options (multiple answers, or a pain map with several right
    regions): each correct option chosen earns 1/k of the mark (k = number of correct
    options) and each wrong option chosen takes 1/k away, never below 0. Choosing
    everything therefore earns nothing unless every option is right.
    """
    if not chosen:
        return ZERO
    if not many:
        return ONE if chosen == correct else ZERO
    share = ONE / len(correct)
    raw = share * len(chosen & correct) - share * len(chosen - correct)
    return max(ZERO, min(ONE, raw)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def percent(total: Decimal, questions: int) -> Decimal:
    if questions == 0:
        return ZERO
    return (100 * total / questions).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# Certainty-based marks (Moodle's table, after Gardner-Medwin): what an answer earns at
# each confidence (1 guessing, 2 fairly sure, 3 sure) when right and when wrong. Being
# sure pays only when one is right; a confident wrong answer costs most, because a
# belief held firmly and wrongly is the one that misleads in clinic.
CBM_RIGHT = {1: Decimal(1), 2: Decimal(2), 3: Decimal(3)}
CBM_WRONG = {1: Decimal(0), 2: Decimal(-2), 3: Decimal(-6)}
CBM_LOWEST = Decimal(-6)
CBM_HIGHEST = Decimal(3)


def cbm_mark(fraction: Decimal, confidence: int) -> Decimal:
    """The certainty-based mark of one answer scored `fraction` (0 to 1) at
    `confidence`: right·f + wrong·(1 − f), so a partly right answer earns between the
    two. Raises ValueError for a confidence that is not 1, 2 or 3."""
    if confidence not in CBM_RIGHT:
        raise ValueError(f"No certainty-based mark for confidence {confidence!r}.")
    fraction = max(ZERO, min(ONE, Decimal(fraction)))
    mark = CBM_RIGHT[confidence] * fraction + CBM_WRONG[confidence] * (ONE - fraction)
    return mark.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def confidently_wrong(*, right: bool, confidence: int | None) -> bool:
    """Missed, though the learner said they were fairly sure or sure: a belief held
    wrongly, the first thing to study (quiz results and review feedback alike)."""
    return not right and (confidence or 0) >= Confidence.FAIRLY_SURE


def signed(mark: Decimal) -> str:
    """A mark as a learner reads it: "+1.8", "0", "−2.5" (one decimal at most, a sign,
    a true minus)."""
    text = f"{mark.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):f}".removesuffix(".0")
    if text in {"0", "-0"}:
        return "0"
    return f"−{text[1:]}" if text.startswith("-") else f"+{text}"


def cbm_average(marks: list[Decimal]) -> Decimal | None:
    """The mean certainty-based mark per question (−6 to +3), or None without marks."""
    if not marks:
        return None
    return (sum(marks, ZERO) / len(marks)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ConfidenceRow:
    """How many answers given at one confidence were right, partly right and wrong."""

    confidence: int
    label: str
    right: int
    partly: int
    wrong: int

    @property
    def answers(self) -> int:
        return self.right + self.partly + self.wrong


@dataclass(frozen=True)
class CertaintySummary:
    """An attempt's certainty-based mark: the mean over the answers given with a
    confidence (`marked` of `questions`), kept apart from the plain score."""

    average: Decimal | None  # −6 to +3 per question; None when no answer had a confidence
    marked: int  # answers with a confidence
    questions: int  # questions in the attempt
    rows: list[ConfidenceRow]  # one per confidence, guessing first

    @property
    def partial(self) -> bool:
        """Some answers, but not all, came with a confidence."""
        return 0 < self.marked < self.questions

    @property
    def any_partly(self) -> bool:
        return any(row.partly for row in self.rows)

    @property
    def average_text(self) -> str:
        return "" if self.average is None else signed(self.average)


def certainty_summary(answers: list[tuple[Decimal, int]], *, questions: int) -> CertaintySummary:
    """The summary of answers given as (score 0 to 1, confidence) pairs, out of
    `questions` in the attempt."""
    marks = [cbm_mark(fraction, confidence) for fraction, confidence in answers]
    rows = []
    for confidence in Confidence:
        scores = [f for f, c in answers if c == confidence]
        rows.append(
            ConfidenceRow(
                confidence=confidence.value,
                label=confidence.label,
                right=sum(1 for f in scores if f >= ONE),
                partly=sum(1 for f in scores if ZERO < f < ONE),
                wrong=sum(1 for f in scores if f <= ZERO),
            )
        )
    return CertaintySummary(
        average=cbm_average(marks), marked=len(marks), questions=questions, rows=rows
    )
