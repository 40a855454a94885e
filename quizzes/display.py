"""How a question is laid out on a page: shared by quizzes and reviews."""

import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from .models import Choice, Confidence, Question
from .painmap import BY_KEY, REGIONS, Region

REGION_ORDER = [r.key for r in REGIONS]


def form_int(value: str | None) -> int | None:
    """A whole number from a form field, or None: only ASCII digits, and not so many
    that they overflow a database column ("²" is a digit to str.isdigit, not to int)."""
    if value and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def form_ids(values: list[str]) -> list[int]:
    """The ids a form sent, ignoring anything that is not one."""
    return [n for n in (form_int(v) for v in values) if n is not None]


@dataclass
class Option:
    choice: Choice
    checked: bool = False

    @property
    def region(self) -> Region | None:
        return BY_KEY.get(self.choice.region)

    @property
    def chosen(self) -> bool:
        """The name an answered option goes by (as in services.OptionFeedback)."""
        return self.checked


@dataclass(frozen=True)
class ConfidenceOption:
    value: int
    label: str
    checked: bool


@dataclass
class QuestionForm:
    question: Question
    number: int
    options: list[Option] = field(default_factory=list)
    error: str = ""
    field_name: str = ""
    confidence: int | None = None  # the confidence chosen, kept when the form comes back
    confidence_error: str = ""

    @property
    def name(self) -> str:
        return self.field_name or f"q{self.question.pk}"

    @property
    def confidence_name(self) -> str:
        """The field of "How sure are you?" (`q12-confidence`): not a question's
        field, whose names are `q` and digits only."""
        return f"{self.name}-confidence"

    @property
    def confidence_options(self) -> list[ConfidenceOption]:
        return [
            ConfidenceOption(value=c.value, label=c.label, checked=c.value == self.confidence)
            for c in Confidence
        ]

    @property
    def many(self) -> bool:
        """Check boxes rather than radio buttons (the templates ask this)."""
        return self.question.expects_many


def form_confidence(value: str | None) -> int | None:
    """A Confidence value from a form field, or None for anything else."""
    number = form_int(value)
    return number if number in Confidence.values else None


def shuffled_options(choices: Iterable[Choice], seed: str) -> list[Choice]:
    """The options in an order of their own for `seed` (a quiz sitting and question, a
    card and its review count): the same order while a page is shown again, a new one
    for the next sitting or review, so that where the right answer stands teaches
    nothing. Quiz page, review page and review API all shuffle here."""
    shuffled = list(choices)
    random.Random(seed).shuffle(shuffled)  # noqa: S311 (not security)
    return shuffled


def ordered_options(question: Question, choices: list[Choice]) -> list[Choice]:
    """Pain-map regions always in the diagram's order; other options as given."""
    if question.kind == Question.Kind.PAIN_MAP:
        return sorted(
            choices,
            key=lambda c: (
                REGION_ORDER.index(c.region) if c.region in REGION_ORDER else len(REGION_ORDER)
            ),
        )
    return choices
