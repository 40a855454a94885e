"""What the editors see of the memory model, course by course: the cohort's fitted
parameters, how many learners have their own, and whether learners remember what the
schedule says they will (the measured retention against the desired retention).

Three queries, whatever the number of learners or reviews."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, Count, Exists, OuterRef, Q, Subquery

from accounts.models import User
from course.models import Course

from .memory import DEFAULT_PARAMETERS
from .models import MemoryFit, Rating, ReviewLog, State

RETENTION_WINDOW = timedelta(days=30)
# Fewer due reviews than this in the window, and the page draws no conclusion from them.
MIN_VERDICT_REVIEWS = 30

# What each FSRS-6 parameter does, in the order the scheduler reads them (w0–w20).
PARAMETER_MEANINGS: tuple[str, ...] = (
    "Initial stability after Again (days)",
    "Initial stability after Hard (days)",
    "Initial stability after Good (days)",
    "Initial stability after Easy (days)",
    "Initial difficulty (after Again)",
    "Initial difficulty: how much a better first rating lowers it",
    "Difficulty change per rating",
    "Difficulty drift back to its initial value",
    "Stability gain after a recall (scale)",
    "Stability gain: smaller for cards already stable",
    "Stability gain: larger the more the card had faded",
    "Stability after forgetting (scale)",
    "Stability after forgetting: effect of difficulty",
    "Stability after forgetting: effect of the stability before",
    "Stability after forgetting: effect of how much had faded",
    "Hard: penalty on the stability gain",
    "Easy: bonus on the stability gain",
    "Same-day review: stability change (scale)",
    "Same-day review: rating offset",
    "Same-day review: smaller change for stable cards",
    "Decay of the forgetting curve",
)


def wilson_interval(successes: int, n: int) -> tuple[float, float] | None:
    """The Wilson 95% interval of the share `successes / n`, in percent: how far chance
    alone could move it with this many trials (None for none)."""
    if not n:
        return None
    p, z = successes / n, 1.96
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def retention_verdict(
    *, interval: tuple[float, float] | None, desired_percent: float | None, reviews: int
) -> str:
    """ "below", "above" or "close" when the desired retention lies below, above or
    inside the measured retention's 95% interval; "too few" under MIN_VERDICT_REVIEWS."""
    if interval is None or desired_percent is None or reviews < MIN_VERDICT_REVIEWS:
        return "too few"
    if interval[1] < desired_percent:
        return "below"
    if interval[0] > desired_percent:
        return "above"
    return "close"


@dataclass
class ParameterRow:
    name: str
    meaning: str
    fitted: float
    default: float


@dataclass
class CourseMemoryReport:
    course: Course
    cohort_fit: MemoryFit | None  # the cohort fit in use, if any
    latest_unused: MemoryFit | None  # the latest cohort fit, when it is not the one in use
    learners_with_reviews: int
    learners_with_own_fit: int
    recent_reviews: int  # due reviews (Review state, outside quizzes) in the window
    recent_recalled: int  # of those, not rated Again
    recent_learners: int
    desired_retention: float | None  # each recent review weighted by its learner's setting
    window_days: int = RETENTION_WINDOW.days
    min_verdict_reviews: int = MIN_VERDICT_REVIEWS

    @property
    def parameters(self) -> list[ParameterRow]:
        if self.cohort_fit is None:
            return []
        return [
            ParameterRow(f"w{i}", meaning, float(fitted), default)
            for i, (meaning, fitted, default) in enumerate(
                zip(PARAMETER_MEANINGS, self.cohort_fit.parameters, DEFAULT_PARAMETERS, strict=True)
            )
        ]

    @property
    def log_loss_gain_percent(self) -> float | None:
        fit = self.cohort_fit
        if fit is None or fit.log_loss_gain is None or not fit.default_log_loss:
            return None
        return 100 * fit.log_loss_gain / fit.default_log_loss

    @property
    def rmse_gain(self) -> float | None:
        fit = self.cohort_fit
        if fit is None or fit.rmse is None or fit.default_rmse is None:
            return None
        return fit.default_rmse - fit.rmse

    @property
    def measured_retention(self) -> float | None:
        if not self.recent_reviews:
            return None
        return self.recent_recalled / self.recent_reviews

    @property
    def measured_interval(self) -> tuple[float, float] | None:
        """The Wilson 95% interval of the measured retention, in percent: how far chance
        alone could move it with this many reviews."""
        return wilson_interval(self.recent_recalled, self.recent_reviews)

    @property
    def retention_verdict(self) -> str:
        """ "below", "above" or "close" when the desired retention lies below, above or
        inside the measured retention's 95% interval; "too few" under MIN_VERDICT_REVIEWS."""
        return retention_verdict(
            interval=self.measured_interval,
            desired_percent=self.desired_percent,
            reviews=self.recent_reviews,
        )

    @property
    def measured_percent(self) -> float | None:
        measured = self.measured_retention
        return None if measured is None else 100 * measured

    @property
    def desired_percent(self) -> float | None:
        return None if self.desired_retention is None else 100 * self.desired_retention

    @property
    def gap_points(self) -> float | None:
        """Measured minus desired, in percentage points (below zero: learners forget
        more than the schedule plans for)."""
        if self.measured_percent is None or self.desired_percent is None:
            return None
        return self.measured_percent - self.desired_percent

    @property
    def own_fit_percent(self) -> float | None:
        if not self.learners_with_reviews:
            return None
        return 100 * self.learners_with_own_fit / self.learners_with_reviews


def course_memory_report(course: Course, *, now: datetime) -> CourseMemoryReport:
    latest = (
        MemoryFit.objects.filter(scope=MemoryFit.Scope.COHORT, course=course)
        .order_by("-fitted_at", "-pk")
        .values("pk")[:1]
    )
    fits = list(
        MemoryFit.objects.filter(scope=MemoryFit.Scope.COHORT, course=course).filter(
            Q(in_use=True) | Q(pk=Subquery(latest))
        )
    )
    in_use = next((f for f in fits if f.in_use), None)
    unused = next((f for f in fits if not f.in_use), None)

    learners = User.objects.filter(
        Exists(ReviewLog.objects.filter(user=OuterRef("pk"), module__course=course))
    ).aggregate(
        with_reviews=Count("pk"),
        with_own_fit=Count(
            "pk",
            filter=Exists(
                MemoryFit.objects.filter(
                    user=OuterRef("pk"), scope=MemoryFit.Scope.LEARNER, in_use=True
                )
            ),
        ),
    )
    # A review of a card in the Review state is the schedule's own prediction put to the
    # test: it came back when the model said recall would have fallen to the desired
    # retention. Learning steps and answers given in quizzes are not.
    recent = ReviewLog.objects.filter(
        module__course=course,
        state_before=State.REVIEW,
        in_quiz=False,
        reviewed_at__gte=now - RETENTION_WINDOW,
        reviewed_at__lte=now,
    ).aggregate(
        reviews=Count("pk"),
        recalled=Count("pk", filter=~Q(rating=Rating.AGAIN)),
        learners=Count("user", distinct=True),
        desired=Avg("user__desired_retention"),
    )
    return CourseMemoryReport(
        course=course,
        cohort_fit=in_use,
        latest_unused=unused,
        learners_with_reviews=learners["with_reviews"],
        learners_with_own_fit=learners["with_own_fit"],
        recent_reviews=recent["reviews"],
        recent_recalled=recent["recalled"],
        recent_learners=recent["learners"],
        desired_retention=float(recent["desired"]) if recent["desired"] is not None else None,
    )
