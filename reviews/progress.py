"""The progress page's "how much you would recall now": the average probability of
recall over the learner's reviewed cards, by module and by source of pain, from the SQL
recall (`reviews.recall`), against their desired retention."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Avg, Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet

from accounts.models import User
from quizzes.models import Choice
from quizzes.sources import source_name

from .memory import LearnerParameters
from .models import Card, State
from .recall import recall_expression
from .selectors import visible_cards


@dataclass
class RecallRow:
    """Average recall now over a group's reviewed cards, and how many are below the
    learner's desired retention."""

    key: str  # the module's id, or the source's key
    title: str
    course: str  # the module's course; "" for a source
    cards: int
    average: float  # 0–1
    below: int

    @property
    def percent(self) -> int:
        return round(100 * self.average)


@dataclass
class RecallNow:
    desired: Decimal  # the learner's desired retention (0.80–0.97)
    modules: list[RecallRow]
    sources: list[RecallRow]
    learning: int = 0  # cards in their learning or relearning steps, left out

    @property
    def desired_percent(self) -> int:
        return round(100 * self.desired)

    @property
    def cards(self) -> int:
        return sum(row.cards for row in self.modules)


def reviewed_cards(user: User, now: datetime) -> QuerySet[Card]:
    """The learner's cards in their reviews (not stopped, not leeches) that have been
    reviewed at least once: the ones with a recall."""
    return visible_cards(user, now).filter(
        suspended=False, last_review__isnull=False, stability__isnull=False
    )


# The figures are for learned cards. A card in its learning or relearning steps was
# seen (or its answer shown) minutes ago, and the model's recall for it is near 100%: true
# for the next few minutes, and no sign of what has been learned; it is counted apart.
LEARNED = Q(state=State.REVIEW)


def recall_now(user: User, params: LearnerParameters, now: datetime) -> RecallNow:
    """Average recall now by module and by source of pain (two queries, whatever the
    deck). A case card counts under the source of its answer (its right options'
    `Choice.source`); key points name no source and count by module only."""
    desired = Decimal(user.desired_retention)
    reviewed = reviewed_cards(user, now).alias(recall=recall_expression(params, now))
    cards = reviewed.filter(LEARNED)
    below = LEARNED & Q(recall__lt=float(desired))
    by_module = (
        reviewed.values("module_id", "module__title", "module__course__title", "module__order")
        .annotate(
            n=Count("id", filter=LEARNED),
            learning=Count("id", filter=~LEARNED),
            average=Avg("recall", filter=LEARNED),
            below=Count("id", filter=below),
        )
        .order_by("module__course__title", "module__order", "module_id")
    )
    # A case card's answer: its right options that name a source, joined once.
    answer = FilteredRelation(
        "question__choices",
        condition=Q(
            question__choices__is_correct=True,
            question__choices__retired=False,
            question__choices__source__gt="",
        ),
    )
    # One row per card and source: a case with two right options of one source (a pain
    # map's two regions) counts once for it, the first such option standing for it.
    earlier_same_source = Choice.objects.filter(
        question_id=OuterRef("question_id"),
        source=OuterRef("source"),
        is_correct=True,
        retired=False,
        pk__lt=OuterRef("option"),
    )
    # (Named, not `answer__…` in the subquery: an OuterRef through the filtered relation
    # would join it a second time.)
    by_source = (
        cards.alias(answer=answer)
        .annotate(source=F("answer__source"))
        .alias(option=F("answer__pk"))
        .filter(option__isnull=False)
        .filter(~Exists(earlier_same_source))
        .values("source")
        .annotate(n=Count("id"), average=Avg("recall"), below=Count("id", filter=below))
        .order_by()
    )
    module_rows = list(by_module)
    modules = [
        RecallRow(
            key=str(r["module_id"]),
            title=r["module__title"],
            course=r["module__course__title"],
            cards=r["n"],
            average=r["average"],
            below=r["below"],
        )
        for r in module_rows
        if r["n"]
    ]
    sources = sorted(
        (
            RecallRow(
                key=r["source"],
                title=source_name(r["source"]),
                course="",
                cards=r["n"],
                average=r["average"],
                below=r["below"],
            )
            for r in by_source
        ),
        # The most faded first: what to review before anything else.
        key=lambda row: (row.average, row.title),
    )
    learning = sum(r["learning"] for r in module_rows)
    return RecallNow(desired=desired, modules=modules, sources=sources, learning=learning)
