"""How an answer is scored. Pure functions: no database."""

from decimal import ROUND_HALF_UP, Decimal

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
