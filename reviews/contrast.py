"""Contrast review: two near-miss twin cases a learner mixed up, reviewed as one card.

When a learner takes source X for source Y on a case, the case and its twin (the same
story but for one finding, keyed Y if there is one) become a `ContrastPair` with one
`Card(kind=CONTRAST)`. The card asks one side at a time, graded like a quiz card and
scheduled by FSRS like any other; after the answer both cases are shown side by side with
the finding that separates them marked. A side counts a "right day" for each local day
it was answered right on the card; with two right days on each side the pair retires.

Right days are always recounted from the card's review logs, never counted up, so that
undoing a review (which deletes its log) gives the counts they were before: call
`contrast_recount` after deleting a contrast card's log.
"""

import difflib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Max, Q
from django.db.models.functions import TruncDate

from accounts.models import User
from quizzes.models import Choice, Question
from quizzes.sources import Passage, passage_for, source_name

from .models import Card, ContrastPair, Rating, ReviewLog, State

# A new contrast card comes up after the cards already due in the session it was made in:
# due this long after the wrong answer, as a learning card (not a new one, so the daily
# new-card limit does not hold it back).
CONTRAST_DELAY = timedelta(minutes=10)
# Right answers on separate local days needed on each side before the pair retires.
RIGHT_DAYS_TO_RETIRE = 2


@dataclass(frozen=True)
class Missed:
    """A case answered wrong: its key was `answer_source`, the learner chose `chosen_source`."""

    question: Question
    answer_source: str
    chosen_source: str


def keys_of(question_ids: list[int]) -> dict[int, set[str]]:
    """The sources each question is keyed to (its right options' sources), one query."""
    keys: dict[int, set[str]] = defaultdict(set)
    rows = Choice.objects.filter(
        question_id__in=question_ids, is_correct=True, retired=False
    ).exclude(source="")
    for question_id, source in rows.values_list("question_id", "source"):
        keys[question_id].add(source)
    return keys


def _twin_for(missed: Missed, twins: list[int], keys: dict[int, set[str]]) -> int | None:
    """The twin to contrast with: the one keyed to the source chosen, else one keyed to
    another source than the case's own, else none."""
    for twin in twins:
        if missed.chosen_source in keys.get(twin, ()):
            return twin
    for twin in twins:
        if keys.get(twin, set()) - {missed.answer_source}:
            return twin
    return None


def contrast_pairs_make(*, user: User, missed: list[Missed], now: datetime) -> int:
    """Make (once) the contrast pair of each missed case and its near-miss twin, with its
    card due soon. A fixed number of queries however many cases; returns the cards made.

    A pair already made (open or retired) is left as it is: it is the same two cases."""
    if not missed:
        return 0
    ids = sorted({m.question.pk for m in missed})
    through = Question.twins.through
    twins: dict[int, list[int]] = defaultdict(list)
    for case, other in (
        through.objects.filter(from_question_id__in=ids)
        .order_by("to_question_id")
        .values_list("from_question_id", "to_question_id")
    ):
        twins[case].append(other)
    if not twins:
        return 0
    keys = keys_of(sorted({t for ts in twins.values() for t in ts}))
    wanted: dict[tuple[int, int], int] = {}  # (case_a, case_b) -> the missed case
    for m in missed:
        twin = _twin_for(m, twins.get(m.question.pk, []), keys)
        if twin is not None:
            ends = (min(m.question.pk, twin), max(m.question.pk, twin))
            wanted.setdefault(ends, m.question.pk)
    if not wanted:
        return 0
    in_pairs = Q()
    for a, b in wanted:
        in_pairs |= Q(case_a_id=a, case_b_id=b)
    # Two answers recorded at once may both make the pair: the constraint keeps one.
    ContrastPair.objects.bulk_create(
        [
            ContrastPair(user=user, case_a_id=a, case_b_id=b, missed_id=m, created_at=now)
            for (a, b), m in wanted.items()
        ],
        ignore_conflicts=True,
    )
    without_card = list(
        ContrastPair.objects.filter(in_pairs, user=user, card__isnull=True, retired_at__isnull=True)
    )
    if not without_card:
        return 0
    sides = {
        q.pk: q
        for q in Question.objects.filter(
            pk__in=[_twin_of_missed(p) for p in without_card]
        ).select_related("quiz")
    }
    cards = []
    for pair in without_card:
        side = sides[_twin_of_missed(pair)]
        cards.append(
            Card(
                user=user,
                kind=Card.Kind.CONTRAST,
                contrast=pair,
                question=side,
                course_id=side.quiz.course_id,
                module_id=side.quiz.module_id,
                lesson_id=side.lesson_id or side.quiz.lesson_id,
                state=State.LEARNING,
                step=0,
                is_new=False,
                due=now + CONTRAST_DELAY,
                created_at=now,
            )
        )
    return len(Card.objects.bulk_create(cards, ignore_conflicts=True))


def _twin_of_missed(pair: ContrastPair) -> int:
    return pair.case_b_id if pair.missed_id == pair.case_a_id else pair.case_a_id


def side_to_ask(pair: ContrastPair) -> int:
    """The case a contrast card asks next: the side with fewer right days, the twin of
    the missed case when they are level."""
    if pair.a_right_days == pair.b_right_days:
        return _twin_of_missed(pair)
    return pair.case_a_id if pair.a_right_days < pair.b_right_days else pair.case_b_id


def contrast_recount(*, card: Card, now: datetime) -> ContrastPair:
    """Recount a contrast card's right days from its logs, retire the pair (its card
    leaves the queue) when each side has enough of them, or bring a pair back whose
    retiring review was undone; then set the side the card asks next. Three queries.

    A retired pair's card is suspended rather than deleted: its logs stay, for the
    memory model's fitting and for undoing the review that retired it."""
    assert card.contrast_id is not None  # a contrast card has its pair
    pair = ContrastPair.objects.select_related("user").get(pk=card.contrast_id)
    zone = pair.user.zone
    rows = (
        ReviewLog.objects.filter(card=card, rating__gt=Rating.AGAIN, question__isnull=False)
        .annotate(day=TruncDate("reviewed_at", tzinfo=zone))
        .values("question_id")
        .annotate(days=Count("day", distinct=True), last=Max("day"))
    )
    counts: dict[int, tuple[int, date | None]] = {
        r["question_id"]: (r["days"], r["last"]) for r in rows
    }
    pair.a_right_days, pair.a_last_right = counts.get(pair.case_a_id, (0, None))
    pair.b_right_days, pair.b_last_right = counts.get(pair.case_b_id, (0, None))
    was_retired = pair.retired_at is not None
    told_apart = min(pair.a_right_days, pair.b_right_days) >= RIGHT_DAYS_TO_RETIRE
    if told_apart and not was_retired:
        pair.retired_at = now
    elif not told_apart:
        pair.retired_at = None
    pair.save(
        update_fields=["a_right_days", "a_last_right", "b_right_days", "b_last_right", "retired_at"]
    )
    change: dict[str, object] = {"question_id": side_to_ask(pair)}
    if told_apart != was_retired:
        # In or out of the queue with the pair; a leech stays out until brought back.
        change["suspended"] = told_apart or card.is_leech
    Card.objects.filter(pk=card.pk).update(**change)
    return pair


# --- the side-by-side view ------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool  # the words that differ from the twin's vignette


@dataclass(frozen=True)
class ContrastSide:
    question: Question
    segments: list[Segment]  # the vignette, in runs of words
    key: list[str]  # the right options' labels
    sources: list[str]  # their source keys
    asked: bool  # the side this review asked
    right_days: int


@dataclass(frozen=True)
class ContrastView:
    pair: ContrastPair
    sides: list[ContrastSide]  # the asked side first
    passage: Passage | None
    source_names: list[str]  # the two keys' names, the asked side's first

    @property
    def retired(self) -> bool:
        return self.pair.retired_at is not None


def highlight(a: str, b: str) -> tuple[list[Segment], list[Segment]]:
    """Two vignettes in runs of words, the words where each differs from the other
    marked (the twins differ by one finding). Plain text: the template escapes it."""
    words_a, words_b = a.split(), b.split()
    out_a: list[Segment] = []
    out_b: list[Segment] = []
    matcher = difflib.SequenceMatcher(a=words_a, b=words_b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        same = op == "equal"
        if i2 > i1:
            out_a.append(Segment(" ".join(words_a[i1:i2]), not same))
        if j2 > j1:
            out_b.append(Segment(" ".join(words_b[j1:j2]), not same))
    return out_a, out_b


def contrast_view(card: Card, asked: int | None = None) -> ContrastView:
    """Both cases of a contrast card, for after the answer: `asked` is the case the
    learner just answered (default: the card's). Two queries."""
    assert card.contrast_id is not None  # a contrast card has its pair
    pair = ContrastPair.objects.select_related("case_a", "case_b").get(pk=card.contrast_id)
    asked = asked or card.question_id
    choices: dict[int, list[Choice]] = defaultdict(list)
    for choice in Choice.objects.filter(
        question_id__in=[pair.case_a_id, pair.case_b_id], is_correct=True, retired=False
    ):
        choices[choice.question_id].append(choice)
    seg_a, seg_b = highlight(pair.case_a.vignette, pair.case_b.vignette)
    sides = [
        ContrastSide(
            question=q,
            segments=segments,
            key=[c.label for c in choices[q.pk]],
            sources=[c.source for c in choices[q.pk] if c.source],
            asked=q.pk == asked,
            right_days=days,
        )
        for q, segments, days in (
            (pair.case_a, seg_a, pair.a_right_days),
            (pair.case_b, seg_b, pair.b_right_days),
        )
    ]
    sides.sort(key=lambda s: not s.asked)
    first, second = sides[0].sources[:1], sides[1].sources[:1]
    passage = passage_for(first[0], second[0]) if first and second else None
    return ContrastView(
        pair=pair,
        sides=sides,
        passage=passage,
        source_names=[source_name(s) for s in first + second],
    )


def open_contrast_pairs(user: User) -> list[ContrastPair]:
    """The learner's pairs still in contrast review, newest first (one query)."""
    return list(
        ContrastPair.objects.filter(user=user, retired_at__isnull=True)
        .select_related("case_a", "case_b", "card")
        .order_by("-created_at", "-pk")
    )
