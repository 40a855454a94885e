"""What is due, and how the learner is doing. Fixed query counts whatever the deck size."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Length, TruncDate
from django.utils import timezone

from accounts.models import User
from course.access import is_editor
from course.models import Lesson, Module, live_q
from quizzes.models import Choice

from .memory import LearnerParameters, parameters_for
from .memory_report import retention_verdict, wilson_interval
from .models import Card, Confusion, Rating, ReviewLog, State
from .recall import fading_first


def visible_cards(user: User, now: datetime | None = None) -> QuerySet[Card]:
    """The learner's cards whose course, module and lesson they may still see: a lesson
    taken back to draft takes its cards out of the reviews.

    Written as "not in the (few) hidden modules and lessons" rather than as joins, so that
    the due query stays a range scan on the card index: the subqueries are uncorrelated
    and computed once.
    """
    cards = Card.objects.filter(user=user)
    if is_editor(user):
        return cards
    return without_hidden(cards, now or timezone.now())


def without_hidden(cards: QuerySet[Card], now: datetime) -> QuerySet[Card]:
    """Leave out cards of modules or lessons not live now (for anyone but editors)."""
    hidden_modules = Module.objects.exclude(live_q(now=now) & live_q("course__", now)).values("pk")
    hidden_lessons = Lesson.objects.exclude(live_q(now=now)).values("pk")
    return cards.exclude(module_id__in=hidden_modules).exclude(lesson_id__in=hidden_lessons)


def local_day_start(user: User, now: datetime) -> datetime:
    local = now.astimezone(user.zone)
    return datetime.combine(local.date(), time.min, tzinfo=user.zone)


SECONDS_PER_REVIEW = 8  # a fair average for one card, where the cards are not known


def review_minutes(cards: int) -> int:
    """A rough "about N minutes" for a count of cards (the reminder email); the review
    pages use Today.minutes, from each card's own time."""
    return max(1, round(cards * SECONDS_PER_REVIEW / 60)) if cards else 0


def due_reviews(user: User, now: datetime) -> QuerySet[Card]:
    """Cards in review whose time has come (new cards aside), for one learner."""
    return in_queue(visible_cards(user, now), now).filter(is_new__in=[False], due__lte=now)


# The time estimate: each card's own most recent measured answer time (a quiz answer's
# counts), else a default by kind. Review times are capped so a forgotten tab does not
# skew them.
MAX_DURATION_MS = 600_000
KEY_POINT_MS = 8_000  # read the front, think, look, rate
CASE_BASE_MS = 10_000  # choose an option and send it
READING_MS_PER_CHAR = 50  # 200 words a minute, about six characters a word


def in_queue(cards: QuerySet[Card], now: datetime) -> QuerySet[Card]:
    """Cards that may be served: not suspended (by the learner or as leeches) and not
    buried for the rest of the day."""
    # `__in=[False]` rather than `=False`: Django writes the latter as NOT "column" on
    # SQLite, which SQLite cannot match to the (user, suspended, is_new, due) index.
    return cards.filter(suspended__in=[False]).exclude(buried_until__gt=now)


def estimate_ms() -> Coalesce:
    """A card's expected answer time, as an SQL expression: its latest measured time
    (`Card.answer_ms`), else 8 s for a key point, else the case's reading time (vignette
    and prompt at 200 words a minute) plus 10 s."""
    reading = (
        Coalesce(Length("question__vignette"), 0) + Coalesce(Length("question__prompt"), 0)
    ) * READING_MS_PER_CHAR + CASE_BASE_MS
    by_kind = Case(
        When(kind=Card.Kind.KEY_POINT, then=Value(KEY_POINT_MS)),
        default=reading,
        output_field=IntegerField(),
    )
    return Coalesce("answer_ms", by_kind, output_field=IntegerField())


@dataclass
class Today:
    """Every count of the learner's day, from one place: the session page, the home
    page, the progress page and the API all read this.

    Reviews done today leave out the logs made by answering in a quiz (`in_quiz`): they
    schedule a new card but are not reviews. To go: cards due now, new cards within the
    day's limit, and cards due later today (learning steps, and reviews falling due
    before the end of the learner's local day).

    The learner's review limit (`max_reviews_per_day`) is on reviews of learned cards (in
    the Review state), as Anki's is: those served today are capped at the limit less the
    reviews of learned cards done today, due now first, then due later today. The rest
    are `kept` for the coming days (after a break, the backlog comes back over several
    days, the least likely to be recalled first: `due_queue`). Cards in their learning
    or relearning steps (a card just forgotten comes back in minutes) are never held
    back, and new cards have their own limit."""

    done: int  # reviews done today
    remembered: int  # of those, not rated Again
    new_seen: int  # new cards introduced today
    due_now: int  # served today: within the day's review limit
    due_later: int  # served today: within the day's review limit
    new_available: int
    seconds: int  # the estimate for the cards to go
    kept: int = 0  # due today but over the day's review limit: kept for the coming days
    limit: int = 0  # the learner's most reviews a day (User.max_reviews_per_day)
    # Of due_now and due_later, the learned cards (the rest are learning steps): the
    # queue serves only this many, the least likely to be recalled first.
    reviews_now: int = 0
    reviews_later: int = 0

    @property
    def to_go(self) -> int:
        return self.due_now + self.new_available + self.due_later

    @property
    def due_today(self) -> int:
        """Reviews due by the end of the day (new cards aside), those kept for the coming
        days by the day's limit too: the forecast's today."""
        return self.due_now + self.due_later + self.kept

    @property
    def minutes(self) -> int:
        return max(1, round(self.seconds / 60)) if self.to_go else 0

    @property
    def forgotten(self) -> int:
        return self.done - self.remembered

    @property
    def percent_done(self) -> int:
        total = self.done + self.to_go
        return round(100 * self.done / total) if total else 100


def today(user: User, now: datetime | None = None) -> Today:
    """The counts of the learner's (local) day and the time the rest will take. Two
    queries: today's reviews (on the log index), and the cards (one aggregate)."""
    now = now or timezone.now()
    start = local_day_start(user, now)
    end = start + timedelta(days=1)
    done = ReviewLog.objects.filter(user=user, reviewed_at__gte=start, in_quiz=False).aggregate(
        done=Count("id"),
        new=Count("id", filter=Q(was_new=True)),
        remembered=Count("id", filter=Q(rating__gt=Rating.AGAIN)),
        learned=Count("id", filter=Q(state_before=State.REVIEW)),
    )
    allowance = max(0, user.new_cards_per_day - done["new"])
    queue = in_queue(visible_cards(user, now), now)
    served = Q(pk__in=[])
    if allowance:
        first_new = queue.filter(is_new__in=[True]).order_by("due", "pk").values("pk")
        served = Q(pk__in=first_new[:allowance])
    learned = Q(is_new=False, state=State.REVIEW)
    steps = Q(is_new=False) & ~Q(state=State.REVIEW)
    cards = (
        queue.filter(Q(is_new=True) | Q(due__lt=end))
        .annotate(estimate=estimate_ms())
        .aggregate(
            steps_now=Count("id", filter=steps & Q(due__lte=now)),
            steps_later=Count("id", filter=steps & Q(due__gt=now)),
            learned_now=Count("id", filter=learned & Q(due__lte=now)),
            learned_later=Count("id", filter=learned & Q(due__gt=now)),
            new=Count("id", filter=Q(is_new=True)),
            new_ms=Sum("estimate", filter=served & Q(is_new=True)),
            steps_ms=Sum("estimate", filter=steps),
            learned_ms=Sum("estimate", filter=learned),
        )
    )
    budget = max(0, user.max_reviews_per_day - done["learned"])
    reviews_now = min(cards["learned_now"], budget)
    reviews_later = min(cards["learned_later"], budget - reviews_now)
    learned = cards["learned_now"] + cards["learned_later"]
    # The learned cards served are not known without ordering them: their share of the time.
    learned_ms = (
        (cards["learned_ms"] or 0) * (reviews_now + reviews_later) / learned if learned else 0
    )
    return Today(
        done=done["done"],
        remembered=done["remembered"],
        new_seen=done["new"],
        due_now=cards["steps_now"] + reviews_now,
        due_later=cards["steps_later"] + reviews_later,
        new_available=min(allowance, cards["new"]),
        seconds=round(((cards["new_ms"] or 0) + (cards["steps_ms"] or 0) + learned_ms) / 1000),
        kept=learned - reviews_now - reviews_later,
        limit=user.max_reviews_per_day,
        reviews_now=reviews_now,
        reviews_later=reviews_later,
    )


@dataclass
class Queue:
    today: Today
    card: Card | None
    # The memory model's parameters, when the queue read them (to order cards due now).
    parameters: LearnerParameters | None = None

    # The names the queue had before Today, for callers that read them here.
    @property
    def reviews_due(self) -> int:
        return self.today.due_now

    @property
    def new_available(self) -> int:
        return self.today.new_available

    @property
    def reviewed_today(self) -> int:
        return self.today.done

    @property
    def remaining(self) -> int:
        return self.today.to_go


def due_queue(user: User, now: datetime | None = None) -> Queue:
    """Today's counts and the next card: cards due now, the least likely to be recalled
    first (after a break, what is fading most comes back first); then new cards, within
    the day's limit; then the cards due later today (a learning step's "back in 6 min"),
    soonest first, so that a card comes back after the others, as in Anki. Never two
    cards of one lesson back to back while a card of another is due now (the last
    review's lesson goes last). No due card past the day's review limit (`Today.kept`).
    Four queries: the counts (two), the last review's lesson and the card; five with
    cards due now (their memory model's parameters).
    """
    now = now or timezone.now()
    counts = today(user, now)
    if not counts.to_go:
        return Queue(counts, None)
    queue = in_queue(visible_cards(user, now), now).select_related("question", "lesson")
    if counts.due_now or counts.new_available:
        last_lesson, last_question = (
            ReviewLog.objects.filter(user=user, in_quiz=False)
            .order_by("-reviewed_at", "-pk")
            .values_list("card__lesson_id", "question_id")
            .first()
        ) or (None, None)
        apart = (
            Case(When(lesson_id=last_lesson, then=1), default=0)
            if last_lesson is not None
            else Value(0)
        )
        mix = _confused_with(user, last_question) if last_question is not None else Value(0)
        if counts.due_now:
            cards = queue.filter(is_new__in=[False], due__lte=now)
            # A card with no memory yet (a contrast card just made) has no recall: it
            # comes after those that are fading, by when it fell due.
            parameters = parameters_for(user)
            recall = fading_first(parameters, now)
            if counts.kept:
                # Over the day's limit: the learned cards served are the least likely to
                # be recalled; the lesson and confusion order applies among them.
                fading = cards.filter(state=State.REVIEW).order_by(recall, "due", "pk")
                cards = cards.filter(
                    ~Q(state=State.REVIEW) | Q(pk__in=fading.values("pk")[: counts.reviews_now])
                )
            card = cards.order_by(apart, mix, recall, "due", "pk").first()
            return Queue(counts, card, parameters)
        cards = queue.filter(is_new__in=[True])
        return Queue(counts, cards.order_by(apart, mix, "due", "pk").first())
    end = local_day_start(user, now) + timedelta(days=1)
    later = queue.filter(is_new__in=[False], due__gt=now, due__lt=end)
    if counts.kept:
        soonest = later.filter(state=State.REVIEW).order_by("due", "pk")
        later = later.filter(
            ~Q(state=State.REVIEW) | Q(pk__in=soonest.values("pk")[: counts.reviews_later])
        )
    return Queue(counts, later.order_by("due", "pk").first())


def _confused_with(user: User, question_id: int) -> Case:
    """0 for a card keyed to a source this learner has taken for (or mistaken for) a
    source of the case just answered, else 1: ordering by it serves the confusable
    source next. Subqueries of the card query itself, so no query of its own."""
    keys = Choice.objects.filter(question_id=question_id, is_correct=True, retired=False).values(
        "source"
    )
    mine = Confusion.objects.filter(user=user)
    partners = Q(source__in=mine.filter(answer_source__in=keys).values("chosen_source")) | Q(
        source__in=mine.filter(chosen_source__in=keys).values("answer_source")
    )
    keyed_to_partner = Choice.objects.filter(
        partners, question_id=OuterRef("question_id"), is_correct=True, retired=False
    )
    return Case(When(Exists(keyed_to_partner), then=0), default=1)


def next_due(user: User, now: datetime | None = None) -> datetime | None:
    """When the next review falls due, once today's queue is empty."""
    now = now or timezone.now()
    return (
        visible_cards(user, now)
        .filter(suspended__in=[False], is_new__in=[False])
        # A buried card comes back when its burial ends, not when it fell due.
        .annotate(back_at=Greatest("due", Coalesce("buried_until", "due")))
        .order_by("back_at")
        .values_list("back_at", flat=True)
        .first()
    )


@dataclass
class ComingUp:
    due: datetime  # the next review's time
    on_that_day: int  # reviews falling due by the end of that (local) day


def coming_up(user: User, now: datetime | None = None) -> ComingUp | None:
    """When the next reviews fall due, and how many that day brings, once today's queue
    is empty (two queries)."""
    now = now or timezone.now()
    first = next_due(user, now)
    if first is None:
        return None
    day_end = local_day_start(user, first) + timedelta(days=1)
    count = (
        visible_cards(user, now)
        .filter(suspended__in=[False], is_new__in=[False], due__lt=day_end)
        .exclude(buried_until__gte=day_end)
        .count()
    )
    return ComingUp(due=first, on_that_day=count)


@dataclass
class Day:
    day: date
    count: int


def forecast(user: User, now: datetime | None = None, days: int = 14) -> list[Day]:
    """Cards due today (overdue included, new cards within today's allowance not) and on
    each of the next `days` days, in the learner's time zone (one query); a buried card on
    the day its burial ends."""
    now = now or timezone.now()
    start = local_day_start(user, now)
    end = start + timedelta(days=days + 1)
    rows = dict(
        visible_cards(user, now)
        .filter(suspended__in=[False], is_new__in=[False])
        # A buried card counts on the day it comes back, as the session's "Next" says.
        .annotate(back_at=Greatest("due", Coalesce("buried_until", "due")))
        .filter(back_at__lt=end)
        .annotate(day=TruncDate("back_at", tzinfo=user.zone))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    today = start.date()
    result = [
        Day(today + timedelta(days=i), rows.get(today + timedelta(days=i), 0))
        for i in range(days + 1)
    ]
    result[0].count += sum(n for d, n in rows.items() if d < today)
    return result


def reviews_per_day(user: User, now: datetime | None = None, days: int = 365) -> dict[date, int]:
    now = now or timezone.now()
    since = local_day_start(user, now) - timedelta(days=days)
    return dict(
        ReviewLog.objects.filter(user=user, reviewed_at__gte=since, in_quiz=False)
        .annotate(day=TruncDate("reviewed_at", tzinfo=user.zone))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )


def streak(per_day: dict[date, int], today: date) -> int:
    """Days in a row with at least one review, ending today (or yesterday, if today's
    reviews are still to come)."""
    day = today if per_day.get(today) else today - timedelta(days=1)
    count = 0
    while per_day.get(day):
        count += 1
        day -= timedelta(days=1)
    return count


@dataclass
class ModuleRetention:
    module_id: int
    title: str
    course: str
    reviews: int
    right: int

    @property
    def percent(self) -> int:
        return round(100 * self.right / self.reviews) if self.reviews else 0


def retention_by_module(user: User) -> list[ModuleRetention]:
    """Share of reviews answered right (anything but Again), by module (one query). The
    quiz answers that made the cards are not reviews: the quiz results count those."""
    rows = (
        ReviewLog.objects.filter(user=user, in_quiz=False)
        .values("module_id", "module__title", "module__course__title", "module__order")
        .annotate(n=Count("id"), right=Count("id", filter=Q(rating__gt=1)))
        .order_by("module__course__title", "module__order")
    )
    return [
        ModuleRetention(
            r["module_id"], r["module__title"], r["module__course__title"], r["n"], r["right"]
        )
        for r in rows
    ]


def leeches(user: User) -> list[Card]:
    return list(
        Card.objects.filter(user=user, is_leech=True)
        .select_related("lesson__course", "question")
        .order_by("due")
    )


def suspended_cards(user: User) -> list[Card]:
    """The learner's cards out of the queue, leeches and those they suspended, for the
    progress page (one query; `is_leech` tells the two apart)."""
    return list(
        Card.objects.filter(user=user, suspended=True)
        # A contrast card whose pair was told apart left the queue done, not stopped.
        .exclude(contrast__retired_at__isnull=False)
        .select_related("lesson__course", "question")
        .order_by("-is_leech", "due", "pk")
    )


# --- The editors' dashboard ----------------------------------------------------------

ACTIVITY_DAYS = 30


@dataclass(frozen=True)
class DayCount:
    day: date  # a UTC date
    count: int


@dataclass(frozen=True)
class ReviewActivity:
    """Reviews across every course (answers given in quizzes left out)."""

    active_7: int  # learners with a review in the last 7 days
    active_30: int  # and in the last 30
    per_day: list[DayCount]  # the last 30 UTC days, oldest first, today last
    due_reviews: int  # reviews of learned cards (Review state) in the last 30 days
    recalled: int  # of those, not rated Again
    desired_retention: float | None  # the learners' setting, weighted by their reviews

    @property
    def measured_percent(self) -> float | None:
        return 100 * self.recalled / self.due_reviews if self.due_reviews else None

    @property
    def desired_percent(self) -> float | None:
        return None if self.desired_retention is None else 100 * self.desired_retention

    @property
    def measured_interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.recalled, self.due_reviews)

    @property
    def verdict(self) -> str:
        return retention_verdict(
            interval=self.measured_interval,
            desired_percent=self.desired_percent,
            reviews=self.due_reviews,
        )


def review_activity(*, now: datetime) -> ReviewActivity:
    """Who reviews, how much each day (UTC days), and the measured retention of learned
    cards against the desired retention, as in reviews.memory_report but over every
    course. Two queries, whatever the number of learners or reviews."""
    month = now - timedelta(days=ACTIVITY_DAYS)
    logs = ReviewLog.objects.filter(in_quiz=False, reviewed_at__lte=now)
    learned = Q(state_before=State.REVIEW, reviewed_at__gte=month)
    figures = logs.filter(reviewed_at__gte=month).aggregate(
        active_7=Count("user", distinct=True, filter=Q(reviewed_at__gte=now - timedelta(days=7))),
        active_30=Count("user", distinct=True),
        due_reviews=Count("pk", filter=learned),
        recalled=Count("pk", filter=learned & ~Q(rating=Rating.AGAIN)),
        desired=Avg("user__desired_retention", filter=learned),
    )
    today = now.astimezone(UTC).date()
    first = today - timedelta(days=ACTIVITY_DAYS - 1)
    counts = dict(
        logs.filter(reviewed_at__gte=datetime.combine(first, time.min, tzinfo=UTC))
        .annotate(day=TruncDate("reviewed_at", tzinfo=UTC))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("day", "n")
    )
    days = [first + timedelta(days=n) for n in range(ACTIVITY_DAYS)]
    desired = figures["desired"]
    return ReviewActivity(
        active_7=figures["active_7"],
        active_30=figures["active_30"],
        per_day=[DayCount(day, counts.get(day, 0)) for day in days],
        due_reviews=figures["due_reviews"],
        recalled=figures["recalled"],
        desired_retention=float(desired) if desired is not None else None,
    )
