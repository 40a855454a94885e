"""How likely each card is to be recalled now, computed in SQL when it is read (never
stored, so never stale), and the progress page's "how much you would recall now".

The formula is the fsrs package's (`Scheduler.get_card_retrievability`, also
`memory.retrievability`): R = (1 + factor * days / S) ** -decay, where days is the WHOLE
days since the card's last review (as `timedelta.days` counts them: floored) and decay
and factor come from the parameters that schedule the card: the learner's own fit, else
its course cohort's, else the defaults (`memory.parameters_for`). A card never reviewed
has no recall (NULL).
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import (
    Case,
    DateTimeField,
    Expression,
    F,
    FloatField,
    Func,
    IntegerField,
    Value,
    When,
)
from django.db.models.expressions import OrderBy
from django.db.models.functions import Cast, Power

from .memory import (
    DEFAULT_PARAMETERS,
    LearnerParameters,
    decay_and_factor,
    retrievability,
)

DAY_MICROSECONDS = 86_400_000_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class WholeDaysSince(Func):
    """Whole days from a datetime column to `now`: floored, never below 0, exactly as
    Python's `(now - since).days` (clamped) counts them, so that the SQL recall is the
    library's to the last digit."""

    output_field = IntegerField()

    def __init__(self, since: str, now: datetime) -> None:
        super().__init__(F(since), Value(now, output_field=DateTimeField()))
        self.now = now

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        since, now = (compiler.compile(e) for e in self.get_source_expressions())
        # timestamptz - timestamptz is an interval of days of 24 hours (UTC: no clock
        # change), and EXTRACT(EPOCH) of it is numeric (exact) on PostgreSQL 14 and later.
        sql = f"GREATEST(0, FLOOR(EXTRACT(EPOCH FROM ({now[0]} - {since[0]})) / 86400))::integer"
        return sql, [*now[1], *since[1]]

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        since, params = compiler.compile(self.get_source_expressions()[0])
        # Django keeps datetimes in SQLite as UTC text, "YYYY-MM-DD HH:MM:SS[.ffffff]":
        # whole seconds from strftime, microseconds from the text, so that the count is
        # in integers (julianday's floating point could round a day's boundary). `now`
        # is a constant: its microseconds since the epoch are counted here, once.
        column = (
            f"(CAST(strftime('%%s', {since}) AS INTEGER) * 1000000 + CASE WHEN "
            f"length({since}) > 20 THEN CAST(substr({since}, 21, 6) AS INTEGER) ELSE 0 END)"
        )
        now = (self.now - EPOCH) // timedelta(microseconds=1)
        sql = f"MAX(0, (%s - {column}) / {DAY_MICROSECONDS})"
        return sql, [now, *params * 3]


def _curve(days: Expression, parameters: tuple[float, ...]) -> Expression:
    decay, factor = decay_and_factor(parameters)
    # In the library's order: 1 + ((factor * days) / S), to the power -decay.
    return Power(
        Value(1.0) + Value(factor) * days / F("stability"),
        Value(-decay),
        output_field=FloatField(),
    )


def recall_expression(params: LearnerParameters, now: datetime) -> Expression:
    """Each card's probability of recall at `now`, as an SQL expression (NULL for a card
    never reviewed). One curve when every course uses the same parameters, else a Case
    on the card's course."""
    days = Cast(WholeDaysSince("last_review", now), FloatField())
    if params.own is not None or not params.by_course:
        return _curve(days, params.own or DEFAULT_PARAMETERS)
    return Case(
        *(
            When(course_id=course_id, then=_curve(days, parameters))
            for course_id, parameters in sorted(params.by_course.items())
            if parameters != DEFAULT_PARAMETERS
        ),
        default=_curve(days, DEFAULT_PARAMETERS),
        output_field=FloatField(),
    )


def fading_first(params: LearnerParameters, now: datetime) -> OrderBy:
    """An ordering that puts the cards least likely to be recalled first (cards never
    reviewed last). Under one forgetting curve, recall falls as days / stability grows,
    so that ratio orders the cards exactly as their recall does, without computing a
    power per card (a Python function on SQLite); under several, the recall itself."""
    if params.own is not None or not params.by_course:
        days = Cast(WholeDaysSince("last_review", now), FloatField())
        return (days / F("stability")).desc(nulls_last=True)
    return recall_expression(params, now).asc(nulls_last=True)


def recall_before(
    *,
    stability: float | None,
    last_review: datetime | None,
    at: datetime,
    parameters: tuple[float, ...],
) -> float | None:
    """A card's probability of recall at `at`, from the stability and last review it had
    then (a review log's `stability_before` and `last_review_before`): None for a card
    never reviewed before."""
    if stability is None or last_review is None:
        return None
    return retrievability(stability, (at - last_review).days, parameters)
