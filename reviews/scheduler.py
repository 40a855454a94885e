"""The bridge to the fsrs package (FSRS-6): our Card rows in, fsrs cards out; and the one
rule that turns an answer and how sure the learner was into a rating."""

from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass
from datetime import datetime, timedelta

import fsrs
from django.conf import settings

from accounts.models import User
from quizzes.models import Confidence

from . import memory
from .balance import DueLoad, card_seed, fuzz_range
from .models import Card, Rating


def rating_for_answer(right: bool, confidence: int | None) -> int:
    """The rating an answer to a case earns, from whether it was right and how sure the
    learner said they were: wrong is Again whatever the confidence; right and guessing
    is Hard, fairly sure Good, sure Easy; right with no confidence given is Good."""
    if not right:
        return Rating.AGAIN
    return {
        Confidence.GUESSING: Rating.HARD,
        Confidence.FAIRLY_SURE: Rating.GOOD,
        Confidence.SURE: Rating.EASY,
    }.get(confidence, Rating.GOOD)  # type: ignore[call-overload]


@dataclass(frozen=True)
class RatingRule:
    answer: str
    confidence: str
    rating: int

    @property
    def rating_label(self) -> str:
        return Rating(self.rating).label


def rating_table() -> list[RatingRule]:
    """The mapping, for the review page's table (read from rating_for_answer itself)."""
    rows = [RatingRule("Wrong", "Any", rating_for_answer(False, Confidence.SURE))]
    rows += [
        RatingRule("Right", label, rating_for_answer(True, value))
        for value, label in Confidence.choices
    ]
    return rows


def scheduler_for(
    user: User, *, parameters: Sequence[float], learning_steps: bool = True
) -> fsrs.Scheduler:
    """The learner's scheduler with these FSRS parameters (`parameters_for_card`).
    Without learning steps, a new card rated Good or Easy goes straight into review, days
    away: used for a right, sure first answer in a quiz."""
    if learning_steps:
        return fsrs.Scheduler(
            parameters=parameters,
            desired_retention=float(user.desired_retention),
            enable_fuzzing=settings.SRS_FUZZING,
        )
    return fsrs.Scheduler(
        parameters=parameters,
        desired_retention=float(user.desired_retention),
        learning_steps=(),
        enable_fuzzing=settings.SRS_FUZZING,
    )


def parameters_for_card(user: User, course_id: int) -> tuple[float, ...]:
    """The parameters that schedule this learner's cards of this course: their own fit
    in use, else the course cohort's, else the defaults (memory.parameters_for). One
    query."""
    return memory.parameters_for(user, [course_id]).for_course(course_id)


def contrast_scheduler(user: User, *, parameters: Sequence[float]) -> fsrs.Scheduler:
    """A contrast card's scheduler: no same-day steps, so each review brings the pair back
    on a later day. A pair is told apart by answering both sides right on separate days;
    asking it again ten minutes later would only show the case just seen."""
    return fsrs.Scheduler(
        parameters=parameters,
        desired_retention=float(user.desired_retention),
        learning_steps=(),
        relearning_steps=(),
        enable_fuzzing=settings.SRS_FUZZING,
    )


def scheduler_for_card(
    user: User, card: Card, *, parameters: Sequence[float] | None = None
) -> fsrs.Scheduler:
    """The scheduler that reviews this card, with the parameters for its course (read
    when not given: one query). A contrast card's has no same-day steps."""
    if parameters is None:
        parameters = parameters_for_card(user, card.course_id)
    if card.kind == Card.Kind.CONTRAST:
        return contrast_scheduler(user, parameters=parameters)
    return scheduler_for(user, parameters=parameters)


def first_answer_scheduler(
    user: User, rating: int, *, parameters: Sequence[float]
) -> fsrs.Scheduler:
    """The scheduler for a question's first answer in a quiz: Again and Hard take the
    learning steps (due again today); Good and Easy go straight into review."""
    return scheduler_for(user, parameters=parameters, learning_steps=rating < Rating.GOOD)


def to_fsrs(card: Card) -> fsrs.Card:
    return fsrs.Card(
        card_id=card.pk or 1,
        state=fsrs.State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


@dataclass
class Outcome:
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None  # always set after a review; fsrs types it optional


def review(
    scheduler: fsrs.Scheduler,
    card: Card,
    rating: int,
    now: datetime,
    *,
    load: DueLoad | None = None,
) -> Outcome:
    """The card after this rating at `now`. Given the learner's `load` (balancing on, see
    balance.py), a card going into review days away goes to the day of its fuzz range
    that levels the learner's load, at the same time of day, in place of fsrs's fuzz."""
    fsrs_card, fsrs_rating = to_fsrs(card), fsrs.Rating(rating)
    exact = scheduler
    if load is not None and scheduler.enable_fuzzing:
        exact = copy(scheduler)  # balancing is the fuzz: the interval before any
        exact.enable_fuzzing = False
    updated, _ = exact.review_card(fsrs_card, fsrs_rating, review_datetime=now)
    due = updated.due
    if load is not None and updated.state == fsrs.State.Review:
        days = load.place(
            seed=card_seed(card),
            at=now,
            interval_days=(updated.due - now).days,
            maximum_interval=scheduler.maximum_interval,
        )
        if days is not None:
            due = now + timedelta(days=days)
        elif exact is not scheduler:
            # An interval not balanced (too long to need it) keeps fsrs's own fuzz.
            due = scheduler.review_card(fsrs_card, fsrs_rating, review_datetime=now)[0].due
    return Outcome(
        state=updated.state.value,
        step=updated.step,
        stability=updated.stability,
        difficulty=updated.difficulty,
        due=due,
        last_review=updated.last_review,
    )


def previews(
    user: User, card: Card, now: datetime, *, parameters: Sequence[float] | None = None
) -> dict[int, timedelta]:
    """When the card would come back after each rating (without fuzz: "about"), with the
    parameters for its course (read when not given: one query)."""
    if parameters is None:
        parameters = parameters_for_card(user, card.course_id)
    scheduler = fsrs.Scheduler(
        parameters=parameters,
        desired_retention=float(user.desired_retention),
        enable_fuzzing=False,
    )
    return {r: review(scheduler, card, r, now).due - now for r in Rating.values}


def review_interval_days(scheduler: fsrs.Scheduler, stability: float) -> int:
    """The interval fsrs gives a card in review with this stability at the scheduler's
    desired retention and parameters (their forgetting curve). Stability and difficulty
    do not depend on the retention, only the interval does, so a retention change
    reschedules a card as last_review + this; a change of parameters does too, once the
    card's stability is computed again from its logs (reviews.fitting)."""
    return scheduler._next_interval(stability=stability)  # pinned fsrs==6.3.2; tested


def humanise_preview(delta: timedelta, maximum_interval: int = 36500) -> str:
    """A rating button's "back in …": the range of days the card may go to when due
    dates are spread (fsrs's fuzz, or the load balancer within the same range), so that
    the button does not promise 8 days for a card that then goes to 9."""
    days = delta.days
    if settings.SRS_FUZZING and days < 60:
        low, high = fuzz_range(days, maximum_interval)
        if low != high:
            return f"{low}–{high} days"
    return humanise(delta)


def humanise(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 3600:
        minutes = max(1, round(seconds / 60))
        return f"{minutes} min"
    if seconds < 86400:
        hours = round(seconds / 3600)
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days = round(seconds / 86400)
    if days < 60:
        return f"{days} day{'s' if days != 1 else ''}"
    months = round(days / 30)
    if months < 24:
        return f"{months} months"
    return f"{round(days / 365)} years"
