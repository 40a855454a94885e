"""The fsrs package's own recall for a card, the oracle the SQL and the pages are tested
against."""

from collections.abc import Sequence
from datetime import datetime

import fsrs

from reviews.memory import DEFAULT_PARAMETERS
from reviews.models import Card


def library_recall(
    card: Card, at: datetime, parameters: Sequence[float] = DEFAULT_PARAMETERS
) -> float:
    """`fsrs.Scheduler.get_card_retrievability` for this card's stability and last
    review, at `at`, under these parameters."""
    return fsrs.Scheduler(parameters=parameters).get_card_retrievability(
        fsrs.Card(
            stability=card.stability,
            difficulty=5.0,
            last_review=card.last_review,
            state=fsrs.State.Review,
        ),
        current_datetime=at,
    )
