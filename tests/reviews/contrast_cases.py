"""Near-miss twin cases whose options name their sources, for the confusion and
contrast tests."""

from quizzes.models import Question
from tests.factories import ChoiceFactory, QuestionFactory

SCN, SIJ, FACET = "superior-cluneal", "sacroiliac-joint", "facet-joints"
OPTIONS = [
    (SCN, "Superior cluneal nerve"),
    (SIJ, "Sacroiliac joint"),
    (FACET, "Lumbar facet joints"),
]

POSITIVE = (
    "A 39-year-old marathon runner has pain at the top of the buttock. Under ultrasound, "
    "lidocaine is injected at the crest point. His pain falls from 7/10 to 2/10."
)
NEGATIVE = (
    "A 39-year-old marathon runner has pain at the top of the buttock. Under ultrasound, "
    "lidocaine is injected at the crest point. His pain barely changes, from 7/10 to 6/10."
)


def case(quiz, key: str, vignette: str = POSITIVE, slug: str | None = None, **kwargs) -> Question:
    """A single-answer case keyed to source `key`, with the three OPTIONS (in order)."""
    question = QuestionFactory(
        quiz=quiz, vignette=vignette, **({"slug": slug} if slug else {}), **kwargs
    )
    for source, text in OPTIONS:
        ChoiceFactory(question=question, text=text, source=source, is_correct=source == key)
    return question


def option(question: Question, source: str) -> int:
    return question.choices.get(source=source).pk


def twins(*questions: Question) -> None:
    first, *rest = questions
    first.twins.add(*rest)
