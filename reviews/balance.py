"""Load balancing: a card going into review days away is placed on a day of its fuzz range
chosen to level the learner's daily load, as Anki's load balancer (24.11) does.

fsrs spreads a review interval at random over a small range around it (its "fuzz"), so
that cards learnt together do not stay together. Balancing draws from the same range,
but weighs each day by how many cards are already due on it, the learner's local day:
a day's weight is (1 / its cards, at least 1)² × (1 / its days from now), the second
factor leaning a little towards the earlier days (without it, cards drift to the far end
of their ranges). With light days on, the learner's weekdays without a reminder weigh
almost nothing (Anki's "minimum"), so cards go to another day of the range when there is
one; a range of light days only is balanced as usual. The draw is seeded by the card and
its review count, so a retried review lands on the same day.

Balancing IS the fuzz: where it applies, the scheduler's own fuzz is left out.
"""

import random
from collections.abc import Collection, Mapping
from datetime import date, datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from django.conf import settings
from fsrs.scheduler import FUZZ_RANGES

from accounts.models import User

from .models import Card
from .selectors import forecast

MIN_BALANCED_INTERVAL = 2.5  # fsrs fuzzes no shorter interval
MAX_BALANCED_INTERVAL = 90  # a card sent further away needs no levelling (Anki's limit)
LIGHT_DAY_WEIGHT = 0.0001  # not 0: a range of light days only is balanced as usual


def fuzz_range(interval_days: int, maximum_interval: int) -> tuple[int, int]:
    """The days [min, max] fsrs may fuzz a review interval to: its own ranges and
    rounding (fsrs 6.3.2's `Scheduler._get_fuzzed_interval`, tested against it)."""
    if interval_days < MIN_BALANCED_INTERVAL:
        return interval_days, interval_days
    delta = 1.0
    for part in FUZZ_RANGES:
        delta += part["factor"] * max(min(float(interval_days), part["end"]) - part["start"], 0.0)
    # Python's round, as fsrs's (half to even): the same range, day for day.
    low = max(2, round(interval_days - delta))
    high = min(round(interval_days + delta), maximum_interval)
    return min(low, high), high


# Days of load to read: the furthest day a balanced card can go to, and one for a local
# date that a clock change moves.
WINDOW_DAYS = fuzz_range(MAX_BALANCED_INTERVAL, MAX_BALANCED_INTERVAL * 2)[1] + 1


def day_weight(*, days: int, load: int, light: bool) -> float:
    return (1 / max(1, load) ** 2) * (1 / days) * (LIGHT_DAY_WEIGHT if light else 1.0)


def pick_day(
    *,
    low: int,
    high: int,
    loads: Mapping[int, int],
    weekdays: Mapping[int, int],
    light_weekdays: Collection[int],
    seed: str,
) -> int:
    """The day (days from now, low to high) to place a card on, by weighted draw:
    `loads` are the cards already due on each day, `weekdays` each day's weekday (0 =
    Monday) where the learner lives; `seed` fixes the draw for a card and review."""
    days = list(range(low, high + 1))
    weights = [
        day_weight(days=d, load=loads.get(d, 0), light=weekdays[d] in light_weekdays) for d in days
    ]
    return random.Random(seed).choices(days, weights)[0]  # noqa: S311 (not a secret)


def card_seed(card: Card) -> str:
    """The draw's seed: the card and its review count. A card not yet saved (made by a
    quiz answer) is known by its learner and question."""
    if card.pk is not None:
        return f"{card.pk}:{card.reps}"
    return f"{card.user_id}:{card.kind}:{card.question_id}:{card.lesson_id}:{card.key_index}"


def balancing_on() -> bool:
    """Whether due dates are balanced (settings.SRS_LOAD_BALANCING; by default as
    SRS_FUZZING, so that the tests, which turn fuzz off, get fsrs's exact dates)."""
    return bool(settings.SRS_LOAD_BALANCING)


class DueLoad:
    """A learner's cards due on each local day from `now`'s, read in one query when a card
    is first placed, and kept up to date as cards are placed (a quiz places many)."""

    def __init__(self, user: User, now: datetime) -> None:
        self.user = user
        self.now = now
        self.zone: ZoneInfo = user.zone
        self.light_weekdays: frozenset[int] = (
            frozenset(range(7)) - frozenset(user.reminder_days) if user.light_days else frozenset()
        )

    @cached_property
    def per_day(self) -> dict[date, int]:
        """Reviews due per local day (new and suspended cards aside): one query."""
        return {d.day: d.count for d in forecast(self.user, self.now, days=WINDOW_DAYS)}

    def local_date(self, at: datetime, days: int) -> date:
        return (at + timedelta(days=days)).astimezone(self.zone).date()

    def place(
        self, *, seed: str, at: datetime, interval_days: int, maximum_interval: int
    ) -> int | None:
        """The days from `at` a card with this review interval goes to, counted on that
        day from now on; None for an interval that is not balanced (too short or long)."""
        if not MIN_BALANCED_INTERVAL <= interval_days <= MAX_BALANCED_INTERVAL:
            return None
        low, high = fuzz_range(interval_days, maximum_interval)
        dates = {d: self.local_date(at, d) for d in range(low, high + 1)}
        chosen = pick_day(
            low=low,
            high=high,
            loads={d: self.per_day.get(day, 0) for d, day in dates.items()},
            weekdays={d: day.weekday() for d, day in dates.items()},
            light_weekdays=self.light_weekdays,
            seed=seed,
        )
        self.per_day[dates[chosen]] = self.per_day.get(dates[chosen], 0) + 1
        return chosen


def learner_load(user: User, now: datetime) -> DueLoad | None:
    """The learner's load to balance new due dates against, or None when balancing is
    off. Nothing is read until a card is placed."""
    return DueLoad(user, now) if balancing_on() else None
