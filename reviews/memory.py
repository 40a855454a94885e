"""The memory model: FSRS-6 parameters fitted to our learners, and how likely a card is
to be recalled now.

The fitting itself is `fsrs-rs-python`, the Rust optimiser Anki uses (no torch). This
module turns review histories into its items, fits and tests parameters on a time-series
split, and says which parameters schedule a learner's cards: their own fit in use, else
their course cohort's, else the defaults.

A history is one card's reviews, oldest first, as (rating, reviewed_at). Days between
reviews are counted as the fsrs package counts them when it schedules
(`(later - earlier).days`), so fitted parameters mean what the scheduler takes them to.
"""

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import fsrs
import fsrs_rs_python as fsrs_rs
from django.db.models import Q

from accounts.models import User

from .models import MemoryFit

# The defaults as the fsrs package writes them (the Rust library holds the same values
# as 32-bit floats).
DEFAULT_PARAMETERS: tuple[float, ...] = tuple(fsrs.scheduler.DEFAULT_PARAMETERS)

# The optimiser's own minimums (fsrs-rs, training.rs): under 8 training items left after
# its outlier filter it returns the defaults; under 64 it fits only the four initial
# stabilities. A learner (or a cohort) gets a fit of its own from 64 such items.
MIN_TRAIN_ITEMS = 64
TEST_SHARE = 0.2  # the later fifth of the reviews, held out to test a fit
MIN_TEST_ITEMS = 16  # fewer held-out reviews than this cannot tell two fits apart

Review = tuple[int, datetime]  # (rating 1–4, reviewed_at)


def decay_and_factor(parameters: Sequence[float]) -> tuple[float, float]:
    """FSRS-6's forgetting curve R(t) = (1 + factor * t / S) ** -decay, where
    decay = w20 and factor makes R(S) = 0.9."""
    decay = parameters[20]
    return decay, 0.9 ** (-1 / decay) - 1


def retrievability(
    stability: float | None, elapsed_days: int, parameters: Sequence[float]
) -> float:
    """The probability of recalling a card `elapsed_days` whole days after its last
    review: the fsrs package's own formula (`Scheduler.get_card_retrievability`)."""
    if stability is None:
        return 0.0
    decay, factor = decay_and_factor(parameters)
    return float((1 + factor * max(0, elapsed_days) / stability) ** -decay)


def _days_between(history: Sequence[Review]) -> list[int]:
    return [0] + [max(0, (b[1] - a[1]).days) for a, b in zip(history, history[1:], strict=False)]


def _reviews(history: Sequence[Review]) -> list[fsrs_rs.FSRSReview]:
    return [
        fsrs_rs.FSRSReview(int(rating), days)
        for (rating, _), days in zip(history, _days_between(history), strict=True)
    ]


def training_items(history: Sequence[Review]) -> list[tuple[fsrs_rs.FSRSItem, datetime]]:
    """One item per review that came a day or more after the one before, carrying the
    whole history up to it (as Anki builds them), with when that review was made."""
    reviews = _reviews(history)
    days = _days_between(history)
    return [
        (fsrs_rs.FSRSItem(reviews[: i + 1]), history[i][1])
        for i in range(1, len(reviews))
        if days[i] > 0
    ]


def history_item(history: Sequence[Review]) -> fsrs_rs.FSRSItem:
    """The card's whole history as one item, to compute its memory state now."""
    return fsrs_rs.FSRSItem(_reviews(history))


def usable_train_items(items: Sequence[fsrs_rs.FSRSItem]) -> int:
    """How many items the optimiser would train on, after its outlier filter."""
    first = [item for item in items if item.long_term_review_cnt() == 1]
    _, kept = fsrs_rs.filter_outlier(first, list(items))
    return len(kept)


@dataclass
class FitOutcome:
    """What fitting a set of histories gave: the parameters (fitted on every review),
    and how a fit on the earlier reviews did on the later ones against the defaults."""

    parameters: list[float]
    review_count: int
    train_items: int
    test_items: int
    log_loss: float | None = None
    rmse: float | None = None
    default_log_loss: float | None = None
    default_rmse: float | None = None
    accepted: bool = False
    reason: str = ""
    seconds: float = 0.0

    @property
    def log_loss_gain(self) -> float | None:
        if self.log_loss is None or self.default_log_loss is None:
            return None
        return self.default_log_loss - self.log_loss


def fit(histories: Iterable[Sequence[Review]]) -> FitOutcome:
    """Fit FSRS-6 to these card histories and test it.

    Time-series split: the items are ordered by when their review was made; a fit on the
    earlier 80% is tested on the later 20% (`FSRS.evaluate`: log loss and binned RMSE),
    and so are the defaults. The fit is accepted only if its log loss is lower; the
    parameters kept are then fitted again on every item, as Anki does."""
    started = time.perf_counter()
    items: list[tuple[fsrs_rs.FSRSItem, datetime]] = []
    review_count = 0
    for history in histories:
        review_count += len(history)
        items.extend(training_items(history))
    items.sort(key=lambda pair: pair[1])
    all_items = [item for item, _ in items]
    cut = len(all_items) - max(math.ceil(len(all_items) * TEST_SHARE), 0)
    train, test = all_items[:cut], all_items[cut:]
    usable = usable_train_items(train) if train else 0
    outcome = FitOutcome(
        parameters=list(DEFAULT_PARAMETERS),
        review_count=review_count,
        train_items=usable,
        test_items=len(test),
    )
    if usable < MIN_TRAIN_ITEMS:
        outcome.reason = (
            f"Too few reviews: {usable} of {review_count} can be trained on, "
            f"{MIN_TRAIN_ITEMS} are needed (a review counts when it comes a day or more after "
            "the card's last, and the optimiser sets unusual first intervals aside)."
        )
    elif len(test) < MIN_TEST_ITEMS:
        outcome.reason = f"Too few later reviews to test on: {len(test)}, {MIN_TEST_ITEMS} needed."
    else:
        fitted = fsrs_rs.FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(train)
        mine = fsrs_rs.FSRS(fitted).evaluate(test)
        default = fsrs_rs.FSRS(list(DEFAULT_PARAMETERS)).evaluate(test)
        outcome.log_loss, outcome.rmse = mine.log_loss, mine.rmse_bins
        outcome.default_log_loss, outcome.default_rmse = default.log_loss, default.rmse_bins
        if mine.log_loss < default.log_loss:
            outcome.accepted = True
            whole = fsrs_rs.FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(all_items)
            outcome.parameters = [round(float(w), 4) for w in whole]
        else:
            outcome.reason = (
                f"Not better than the defaults on later reviews: log loss "
                f"{mine.log_loss:.4f} against {default.log_loss:.4f}."
            )
    outcome.seconds = time.perf_counter() - started
    return outcome


@dataclass
class LearnerParameters:
    """The parameters that schedule one learner's cards, course by course."""

    own: tuple[float, ...] | None = None
    by_course: dict[int, tuple[float, ...]] = field(default_factory=dict)

    def for_course(self, course_id: int) -> tuple[float, ...]:
        if self.own is not None:
            return self.own
        return self.by_course.get(course_id, DEFAULT_PARAMETERS)

    def source(self, course_id: int) -> str:
        """Where they come from, in words for the learner."""
        if self.own is not None:
            return "fitted to your own reviews"
        if course_id in self.by_course:
            return "fitted to this course's learners"
        return "the FSRS defaults"


def parameters_for(user: User, course_ids: Iterable[int] | None = None) -> LearnerParameters:
    """The fits in use for this learner and their courses (all courses when none are
    given). One query."""
    cohort = Q(scope=MemoryFit.Scope.COHORT)
    if course_ids is not None:
        cohort &= Q(course_id__in=list(course_ids))
    fits = MemoryFit.objects.filter(
        Q(scope=MemoryFit.Scope.LEARNER, user=user) | cohort, in_use=True
    ).values_list("scope", "course_id", "parameters")
    params = LearnerParameters()
    for scope, course_id, values in fits:
        if scope == MemoryFit.Scope.LEARNER:
            params.own = tuple(values)
        else:
            params.by_course[course_id] = tuple(values)
    return params
