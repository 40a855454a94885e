"""What the quiz app announces, for the apps above it to act on (see course.signals)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.dispatch import Signal

if TYPE_CHECKING:
    from .models import Answer, Question


@dataclass(frozen=True)
class AnsweredQuestion:
    """One question of a recorded attempt, as the apps above see it."""

    question: "Question"
    answer: "Answer"  # the saved row
    score: Decimal  # 0 to 1
    confidence: int | None  # a Confidence value, or None when not given
    chosen: frozenset[int]  # the chosen choice ids

    @property
    def right(self) -> bool:
        return self.score == 1


# Sent inside the transaction that records an attempt, with attempt, now and results
# (a list of AnsweredQuestion): a receiver's rows commit with the attempt.
attempt_recorded = Signal()

# Sent once the attempt is recorded and committed, with attempt.
attempt_submitted = Signal()
