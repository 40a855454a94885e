"""Fitting the memory model to our learners' review logs, and rescheduling their cards
when the parameters that schedule them change.

The pure side (items, the fit and its test) is `reviews.memory`; this module reads the
logs and writes the fits and the cards. Logs are streamed as plain tuples, ordered by
learner, card and time, and grouped into per-card histories as they arrive: no Django
objects, and for learners one learner's histories in memory at a time.

A fit is kept whatever it gave (`MemoryFit`, with its reason when not used). An accepted
fit goes in use in one transaction with the old one going out of use (the database holds
one in use per learner and per course), and the cards it now schedules are rescheduled
from their logs. A rejected fit leaves the fit in use, if any, as it is: that fit beat the
defaults on the reviews it was tested on, and moving every card back to the defaults
because this night's fit on more reviews did not is churn, not knowledge.

The nightly job refits a learner (or a course) only when their logs have grown by
`REFIT_AFTER_NEW_REVIEWS` since the last fit: a night's reviews rarely change a fit, and
skipping the unchanged majority is what lets ten thousand learners fit in one night.
"""

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import groupby
from operator import itemgetter

import fsrs
import fsrs_rs_python as fsrs_rs
from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import User
from course.models import Course

from . import memory
from . import scheduler as srs
from .models import Card, MemoryFit, ReviewLog, State

REFIT_AFTER_NEW_REVIEWS = 50  # new reviews since the last fit before fitting again
LOG_CHUNK = 5000  # log rows fetched from the database at a time
WRITE_BATCH = 1000  # cards read, locked and written back at a time when rescheduling

# (card id, learner id, card kind, its history oldest first)
CardHistory = tuple[int, int, str, list[memory.Review]]

# A contrast card alternates two cases, so its reviews are not one memory's: it is left
# out of every fit (it is still rescheduled with the parameters that schedule it).
FITTED = ~Q(card__kind=Card.Kind.CONTRAST)


def card_histories(logs: QuerySet[ReviewLog]) -> Iterator[CardHistory]:
    """These logs as per-card histories, by learner then card: one query, streamed.
    Every log counts: a quiz answer (`in_quiz`) is its card's first review."""
    rows = (
        logs.order_by("user_id", "card_id", "reviewed_at", "pk")
        .values_list("card_id", "user_id", "card__kind", "rating", "reviewed_at")
        .iterator(chunk_size=LOG_CHUNK)
    )
    for (card_id, user_id, kind), reviews in groupby(rows, key=itemgetter(0, 1, 2)):
        yield card_id, user_id, kind, [(rating, at) for *_, rating, at in reviews]


def _fitted(cards: Iterable[CardHistory]) -> Iterator[list[memory.Review]]:
    return (history for _, _, kind, history in cards if kind != Card.Kind.CONTRAST)


def _grown(counts: QuerySet, last_fit: QuerySet[MemoryFit]) -> QuerySet:
    """Rows of `counts` (with a `reviews` count) whose count is at least
    REFIT_AFTER_NEW_REVIEWS above the review count of their last fit (or none)."""
    last = Subquery(last_fit.order_by("-fitted_at", "-pk").values("review_count")[:1])
    return counts.annotate(last=Coalesce(last, Value(0), output_field=IntegerField())).filter(
        reviews__gte=F("last") + REFIT_AFTER_NEW_REVIEWS
    )


def learners_to_fit(user_ids: Iterable[int] | None = None) -> list[int]:
    """Learners (of these, or all) whose fitted reviews have grown by
    REFIT_AFTER_NEW_REVIEWS since their last fit, by id. One query."""
    logs = ReviewLog.objects.filter(FITTED)
    if user_ids is not None:
        logs = logs.filter(user_id__in=list(user_ids))
    counts = logs.values("user_id").annotate(reviews=Count("pk"))
    last_fit = MemoryFit.objects.filter(scope=MemoryFit.Scope.LEARNER, user=OuterRef("user_id"))
    return sorted(_grown(counts, last_fit).values_list("user_id", flat=True))


def courses_to_fit() -> list[int]:
    """Courses whose learners' fitted reviews have grown by REFIT_AFTER_NEW_REVIEWS since
    the course's last cohort fit. One query."""
    counts = (
        ReviewLog.objects.filter(FITTED)
        .values(course_id=F("card__course_id"))
        .annotate(reviews=Count("pk"))
    )
    last_fit = MemoryFit.objects.filter(
        scope=MemoryFit.Scope.COHORT, course=OuterRef("card__course_id")
    )
    return sorted(_grown(counts, last_fit).values_list("course_id", flat=True))


def fit_learners(user_ids: Iterable[int], now: datetime) -> list[MemoryFit]:
    """Fit each of these learners whose logs have grown enough (learners_to_fit) on
    their own reviews, keep each fit, put the accepted ones in use and reschedule those
    learners' cards."""
    due = learners_to_fit(user_ids)
    if not due:
        return []
    fits = []
    histories = card_histories(ReviewLog.objects.filter(user_id__in=due))
    for user_id, rows in groupby(histories, key=itemgetter(1)):
        cards = list(rows)
        fit = _keep(memory.fit(_fitted(cards)), now=now, user_id=user_id)
        if fit.in_use:
            reschedule({card_id: history for card_id, _, _, history in cards}, fit.parameters)
        fits.append(fit)
    return fits


def fit_cohort(course: Course, now: datetime) -> MemoryFit:
    """Fit every learner's reviews of this course's cards as one, keep the fit and, if it
    is accepted, put it in use and reschedule the course's cards of every learner
    without a fit of their own."""
    cards = list(card_histories(ReviewLog.objects.filter(card__course=course)))
    fit = _keep(memory.fit(_fitted(cards)), now=now, course_id=course.pk)
    if fit.in_use:
        own = set(
            MemoryFit.objects.filter(scope=MemoryFit.Scope.LEARNER, in_use=True).values_list(
                "user_id", flat=True
            )
        )
        reschedule(
            {card_id: history for card_id, user_id, _, history in cards if user_id not in own},
            fit.parameters,
        )
    return fit


def _keep(
    outcome: memory.FitOutcome,
    *,
    now: datetime,
    user_id: int | None = None,
    course_id: int | None = None,
) -> MemoryFit:
    """Save a fit; if it is accepted, it goes in use and the one before goes out."""
    scope = MemoryFit.Scope.LEARNER if user_id is not None else MemoryFit.Scope.COHORT
    fit = MemoryFit(
        scope=scope,
        user_id=user_id,
        course_id=course_id,
        parameters=outcome.parameters,
        fitted_at=now,
        review_count=outcome.review_count,
        train_items=outcome.train_items,
        test_items=outcome.test_items,
        log_loss=outcome.log_loss,
        rmse=outcome.rmse,
        default_log_loss=outcome.default_log_loss,
        default_rmse=outcome.default_rmse,
        accepted=outcome.accepted,
        in_use=outcome.accepted,
        reason=outcome.reason[:200],
        seconds=round(outcome.seconds, 4),
    )
    with transaction.atomic():
        if fit.in_use:
            # Two workers fitting the same learner or course (a repeated task) take turns
            # on its row: the later fit replaces the earlier, and the database's "one in
            # use" constraint never sees two.
            if user_id is not None:
                list(User.objects.select_for_update().filter(pk=user_id).values_list("pk"))
                before = MemoryFit.objects.filter(scope=scope, user_id=user_id)
            else:
                assert course_id is not None
                list(Course.objects.select_for_update().filter(pk=course_id).values_list("pk"))
                before = MemoryFit.objects.filter(scope=scope, course_id=course_id)
            before.filter(in_use=True).update(in_use=False)
        fit.save()
    return fit


def reschedule(histories: dict[int, list[memory.Review]], parameters: Sequence[float]) -> int:
    """Recompute these cards' memory state from their histories (card id → reviews)
    with these parameters, and for cards in review move the due date to where it falls
    at the learner's desired retention (scheduler.review_interval_days). Cards in
    (re)learning keep their short steps. Written in batches: two queries a batch,
    whatever the number of cards. Returns how many cards changed."""
    model = fsrs_rs.FSRS(list(parameters))
    schedulers: dict[Decimal, fsrs.Scheduler] = {}
    card_ids = sorted(histories)
    changed = 0
    for start in range(0, len(card_ids), WRITE_BATCH):
        batch = card_ids[start : start + WRITE_BATCH]
        states = model.memory_state_batch([memory.history_item(histories[pk]) for pk in batch])
        state_of = dict(zip(batch, states, strict=True))
        with transaction.atomic():
            # Locked from this read to the write, so that a review recorded in between is
            # never overwritten by a state computed without it: either it committed first
            # and is seen here (the card is skipped), or it waits for this batch.
            cards = (
                Card.objects.filter(pk__in=batch)
                .select_for_update(of=("self",))
                .values_list("pk", "state", "due", "last_review", "user__desired_retention")
            )
            rows = []
            for pk, state, due, last_review, retention in cards:
                if last_review != histories[pk][-1][1]:
                    continue  # reviewed since its logs were read: its next fit will see it
                memory_state = state_of[pk]
                if state == State.REVIEW:
                    if retention not in schedulers:
                        schedulers[retention] = fsrs.Scheduler(
                            parameters=parameters, desired_retention=float(retention)
                        )
                    days = srs.review_interval_days(schedulers[retention], memory_state.stability)
                    due = last_review + timedelta(days=days)
                rows.append((pk, memory_state.stability, memory_state.difficulty, due))
            _write_memory(rows)
        changed += len(rows)
    return changed


def _write_memory(rows: list[tuple[int, float, float, datetime]]) -> None:
    """Set (card id, stability, difficulty, due) in one UPDATE from a list of values.
    Not `bulk_update`: it builds a CASE expression per card and field in Python, which
    took 0.55 s for 350 cards on this machine, more than the fit itself; this takes a
    few milliseconds. The same SQL runs on PostgreSQL and SQLite (3.33+)."""
    if not rows:
        return
    table = connection.ops.quote_name(Card._meta.db_table)
    adapt = connection.ops.adapt_datetimefield_value
    values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    sql = (
        f"WITH v(id, stability, difficulty, due) AS (VALUES {values}) "  # noqa: S608 (placeholders only)
        f"UPDATE {table} SET stability = v.stability, difficulty = v.difficulty, due = v.due "
        f"FROM v WHERE {table}.id = v.id"
    )
    params = [p for pk, s, d, due in rows for p in (pk, s, d, adapt(due))]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
