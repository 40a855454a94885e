"""Simulated learners: review histories drawn from known FSRS-6 parameters.

Used to test that fitting finds what it should, and by the benchmark. The learner's
memory follows the *true* parameters (whether they recall a card is drawn from
`memory.retrievability` under them); the schedule follows the default parameters, as our
site schedules a learner who has no fit yet. Fitting such histories should recover
parameters closer to the true ones, with lower log loss than the defaults.

The learner sits one session a day at the hour of `start`; a card due during a session
(a learning step, minutes away) comes back within it. Cards are brought in evenly over
the first half of the days, so every card has a later half to be reviewed in. There is no
daily cap, so each card's history is drawn on its own. Fuzz is off: the same seed gives
the same histories.
"""

import math
import random
from collections.abc import Sequence
from datetime import datetime, timedelta

import fsrs

from .memory import DEFAULT_PARAMETERS, retrievability

# How a learner rates a card they see for the first time (Again, Hard, Good, Easy), and a
# card they recalled (Hard, Good, Easy): close to the shares in Anki's own logs.
FIRST_RATING_WEIGHTS = (0.25, 0.10, 0.50, 0.15)
RECALLED_RATING_WEIGHTS = (0.15, 0.75, 0.10)
SESSION_LENGTH = timedelta(hours=1)


def _next_review(due: datetime, session: datetime) -> datetime:
    """When a card due at `due` is next reviewed: still in this session if due within
    it, else at the daily session on or after the day it falls due."""
    if due <= session + SESSION_LENGTH:
        return max(due, session)
    return session + timedelta(days=max(1, math.ceil((due - session) / timedelta(days=1))))


def _rating(rng: random.Random, true_card: fsrs.Card, now: datetime, true: Sequence[float]) -> int:
    if true_card.last_review is None:
        return rng.choices((1, 2, 3, 4), weights=FIRST_RATING_WEIGHTS)[0]
    elapsed = (now - true_card.last_review).days
    if rng.random() >= retrievability(true_card.stability, elapsed, true):
        return 1
    return rng.choices((2, 3, 4), weights=RECALLED_RATING_WEIGHTS)[0]


def simulate_histories(
    parameters: Sequence[float],
    *,
    cards: int,
    days: int,
    seed: int,
    desired_retention: float = 0.9,
    start: datetime,
) -> list[list[tuple[int, datetime]]]:
    """Per-card histories of (rating, reviewed_at), oldest first, of a learner whose
    memory follows `parameters`, scheduled with the defaults at `desired_retention`,
    over `days` days from `start`."""
    rng = random.Random(seed)
    site = fsrs.Scheduler(
        parameters=DEFAULT_PARAMETERS, desired_retention=desired_retention, enable_fuzzing=False
    )
    truth = fsrs.Scheduler(
        parameters=parameters, desired_retention=desired_retention, enable_fuzzing=False
    )
    end = start + timedelta(days=days)
    intro_days = max(1, days // 2)
    histories: list[list[tuple[int, datetime]]] = []
    for index in range(cards):
        session = start + timedelta(days=index * intro_days // max(1, cards))
        now = session
        scheduled, remembered = fsrs.Card(card_id=index + 1), fsrs.Card(card_id=index + 1)
        history: list[tuple[int, datetime]] = []
        while now < end:
            rating = _rating(rng, remembered, now, parameters)
            history.append((rating, now))
            scheduled, _ = site.review_card(scheduled, fsrs.Rating(rating), review_datetime=now)
            remembered, _ = truth.review_card(remembered, fsrs.Rating(rating), review_datetime=now)
            following = _next_review(scheduled.due, session)
            # A step within the session comes a little after the review just made.
            now = max(following, now + timedelta(minutes=1))
            if now >= session + timedelta(days=1):
                session = now
        histories.append(history)
    return histories
