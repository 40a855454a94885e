"""The learner's confusions: "the answer was X, they chose Y", from quizzes and reviews.

Every option stands for a source of pain (`Choice.source`, empty when it names none). A
wrong answer records one `Confusion` for each source the learner missed against each
source they chose instead, and makes the contrast pair of the case and its twin (see
`reviews.contrast`). Read here too: the pairs a learner mixes up most, the sources they
confuse (for interleaving the queue), and a module's confusion matrix for the editors.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max
from django.db.models.functions import Greatest, Least

from accounts.models import User
from course.models import Module
from quizzes.models import Attempt, Choice
from quizzes.signals import AnsweredQuestion
from quizzes.sources import Passage, passage_for, source_name, source_short

from .contrast import Missed, contrast_pairs_make, contrast_recount, keys_of
from .models import Card, Confusion, Rating, ReviewLog

# --- the rule ---------------------------------------------------------------------------


def confused_sources_in(
    choices: Iterable[Choice], chosen: Collection[int]
) -> list[tuple[str, str]]:
    """The (answer source, chosen source) pairs of one answer, in option order.

    Each wrong option chosen, against each right option the learner did not choose,
    when both name a source and the sources differ. A single-answer question's wrong
    answer is the one case of it: the key's source against the chosen option's. A pain
    map or multiple-answer question can give several pairs, or none (a right region
    chosen along with a wrong one still misses only the right ones left out)."""
    options = list(choices)
    missed = [c.source for c in options if c.is_correct and c.pk not in chosen and not c.retired]
    wrong = [c.source for c in options if not c.is_correct and c.pk in chosen]
    pairs: list[tuple[str, str]] = []
    for y in wrong:
        for x in missed:
            if x and y and x != y and (x, y) not in pairs:
                pairs.append((x, y))
    return pairs


# --- recording ----------------------------------------------------------------------------


def confusions_from_attempt(
    *, attempt: Attempt, results: list[AnsweredQuestion], now: datetime
) -> int:
    """Record the confusions of a quiz attempt's wrong answers in one insert, and make
    the contrast pairs they call for. No query when every answer was right."""
    wrong = [r for r in results if not r.right and r.chosen]
    if not wrong:
        return 0
    options: dict[int, list[Choice]] = defaultdict(list)
    for choice in Choice.objects.filter(question__in=[r.question.pk for r in wrong]):
        options[choice.question_id].append(choice)
    rows, missed = [], []
    for r in wrong:
        for x, y in confused_sources_in(options[r.question.pk], r.chosen):
            rows.append(
                Confusion(
                    user=attempt.user,
                    question=r.question,
                    module_id=attempt.quiz.module_id,
                    answer_source=x,
                    chosen_source=y,
                    at=now,
                    attempt=attempt,
                )
            )
            missed.append(Missed(r.question, x, y))
    if rows:
        Confusion.objects.bulk_create(rows)
        contrast_pairs_make(user=attempt.user, missed=missed, now=now)
    return len(rows)


def confusions_from_review(
    *, card: Card, log: ReviewLog, choices: Collection[int], now: datetime
) -> int:
    """Record the confusions of a wrong answer to a quiz or contrast card's case."""
    question = card.question
    assert question is not None  # quiz and contrast cards ask a case
    pairs = confused_sources_in(Choice.objects.filter(question=question), choices)
    if not pairs:
        return 0
    Confusion.objects.bulk_create(
        Confusion(
            user_id=card.user_id,
            question=question,
            module_id=card.module_id,
            answer_source=x,
            chosen_source=y,
            at=now,
            review_log=log,
        )
        for x, y in pairs
    )
    contrast_pairs_make(user=card.user, missed=[Missed(question, x, y) for x, y in pairs], now=now)
    return len(pairs)


def review_recorded(
    *, card: Card, log: ReviewLog, choices: Collection[int] | None, now: datetime
) -> None:
    """What a recorded review of a case means here: a wrong answer's confusions, and a
    contrast card's right days, retirement and next side. Called by review_record in
    the review's transaction."""
    if card.kind not in (Card.Kind.QUESTION, Card.Kind.CONTRAST):
        return
    if log.rating == Rating.AGAIN and choices:
        confusions_from_review(card=card, log=log, choices=choices, now=now)
    if card.kind == Card.Kind.CONTRAST:
        contrast_recount(card=card, now=now)


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfusedPair:
    """Two sources a learner took for each other, both ways counted together."""

    sources: tuple[str, str]
    count: int
    last: datetime

    @property
    def names(self) -> tuple[str, str]:
        return source_name(self.sources[0]), source_name(self.sources[1])

    @property
    def passage(self) -> Passage | None:
        return passage_for(*self.sources)


def top_confusions(user: User, limit: int = 8) -> list[ConfusedPair]:
    """The pairs of sources this learner mixes up most, most often (then most lately)
    first; X taken for Y and Y for X are one pair. One query."""
    rows = (
        Confusion.objects.filter(user=user)
        .annotate(
            first=Least("answer_source", "chosen_source"),
            second=Greatest("answer_source", "chosen_source"),
        )
        .values("first", "second")
        .annotate(n=Count("id"), last=Max("at"))
        .order_by("-n", "-last", "first", "second")[:limit]
    )
    return [ConfusedPair((r["first"], r["second"]), r["n"], r["last"]) for r in rows]


def confused_sources(user: User) -> set[tuple[str, str]]:
    """Every (answer source, chosen source) this learner has confused, one query: the
    queue can serve a card keyed Y after one keyed X (or X after Y) to mix them."""
    return set(
        Confusion.objects.filter(user=user)
        .values_list("answer_source", "chosen_source")
        .distinct()
        .order_by()
    )


def question_keys(question_ids: Collection[int]) -> dict[int, set[str]]:
    """The sources the questions are keyed to, for the queue to match with
    `confused_sources` (one query)."""
    return keys_of(list(question_ids))


@dataclass(frozen=True)
class ConfusionMatrix:
    """A module's confusions across all learners: rows the right source, columns the
    source chosen; only sources that occur."""

    module: Module
    sources: list[str]
    counts: dict[tuple[str, str], int]

    @property
    def names(self) -> list[str]:
        return [source_name(s) for s in self.sources]

    @property
    def columns(self) -> list[tuple[str, str]]:
        """(short label, name) of each source chosen: the columns stay narrow."""
        return [(source_short(s), source_name(s)) for s in self.sources]

    @property
    def rows(self) -> list[tuple[str, list[int | None]]]:
        """Each right source's name and its counts by source chosen; None on the
        diagonal, where a source cannot be taken for itself."""
        return [
            (
                source_name(x),
                [None if x == y else self.counts.get((x, y), 0) for y in self.sources],
            )
            for x in self.sources
        ]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def cohort_matrix(module: Module) -> ConfusionMatrix:
    """The confusion matrix of a module's cases, from every learner's quiz answers and
    reviews (one query)."""
    counts = {
        (x, y): n
        for x, y, n in Confusion.objects.filter(module=module)
        .values("answer_source", "chosen_source")
        .annotate(n=Count("id"))
        .values_list("answer_source", "chosen_source", "n")
    }
    sources = sorted({s for pair in counts for s in pair}, key=source_name)
    return ConfusionMatrix(module=module, sources=sources, counts=counts)
