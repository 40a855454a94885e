"""What is due, and how the learner is doing. Fixed query counts whatever the deck size."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone

from accounts.models import User
from course.access import is_editor
from course.models import Lesson, Module, live_q

from .models import Card, Rating, ReviewLog


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


SECONDS_PER_REVIEW = 8  # a fair average for one card, for "about N minutes"


def review_minutes(cards: int) -> int:
    return max(1, round(cards * SECONDS_PER_REVIEW / 60)) if cards else 0


@dataclass
class Queue:
    card: Card | None
    reviews_due: int
    new_available: int
    new_today: int
    reviewed_today: int
    remembered_today: int = 0  # of today's reviews, those not rated Again

    @property
    def forgotten_today(self) -> int:
        return self.reviewed_today - self.remembered_today

    @property
    def remaining(self) -> int:
        return self.reviews_due + self.new_available

    @property
    def percent_done(self) -> int:
        total = self.reviewed_today + self.remaining
        return round(100 * self.reviewed_today / total) if total else 100


def due_reviews(user: User, now: datetime) -> QuerySet[Card]:
    """Cards in review whose time has come (new cards aside), for one learner."""
    # `__in=[False]` rather than `=False`: Django writes the latter as NOT "column" on
    # SQLite, which SQLite cannot match to the (user, suspended, is_new, due) index.
    return (
        visible_cards(user, now)
        .filter(suspended__in=[False], is_new__in=[False], due__lte=now)
        .exclude(buried_until__gt=now)  # buried: "not today"
    )


def due_queue(user: User, now: datetime | None = None) -> Queue:
    """The next card: reviews due, oldest first; then new cards, within the day's limit.

    Four queries: today's reviews (on the log index), the due and new counts and the next
    card (each a range of the card_queue_idx index).
    """
    now = now or timezone.now()
    today = ReviewLog.objects.filter(user=user, reviewed_at__gte=local_day_start(user, now))
    done = today.aggregate(
        done=Count("id"),
        new=Count("id", filter=Q(was_new=True)),
        remembered=Count("id", filter=Q(rating__gt=Rating.AGAIN)),
    )
    allowance = max(0, user.new_cards_per_day - done["new"])
    due = due_reviews(user, now)
    new = (
        visible_cards(user, now)
        .filter(suspended__in=[False], is_new__in=[True])
        .exclude(buried_until__gt=now)  # buried: "not today"
    )
    reviews_due = due.count()
    new_available = min(allowance, new.count()) if allowance else 0
    card = None
    if reviews_due:
        card = due.order_by("due", "pk").select_related("question", "lesson").first()
    elif new_available:
        card = new.order_by("due", "pk").select_related("question", "lesson").first()
    return Queue(
        card=card,
        reviews_due=reviews_due,
        new_available=new_available,
        new_today=done["new"],
        reviewed_today=done["done"],
        remembered_today=done["remembered"],
    )


def next_due(user: User, now: datetime | None = None) -> datetime | None:
    """When the next review falls due, once today's queue is empty."""
    return (
        visible_cards(user, now)
        .filter(suspended=False, is_new=False)
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
    each of the next `days` days, in the learner's time zone (one query)."""
    now = now or timezone.now()
    start = local_day_start(user, now)
    end = start + timedelta(days=days + 1)
    rows = dict(
        visible_cards(user, now)
        .filter(suspended=False, is_new=False, due__lt=end)
        .annotate(day=TruncDate("due", tzinfo=user.zone))
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
        ReviewLog.objects.filter(user=user, reviewed_at__gte=since)
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
    """Share of reviews answered right (anything but Again), by module (one query)."""
    rows = (
        ReviewLog.objects.filter(user=user)
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
        .select_related("lesson__course", "question")
        .order_by("-is_leech", "due", "pk")
    )
