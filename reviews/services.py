"""Cards are made from quiz answers and finished lessons, and reviewed here.

How cards are made (the policy the review page explains under "How cards are made"):

- A question answered for the first time in a quiz becomes a card at once, rated from
  the answer and how sure the learner was (`scheduler.rating_for_answer`: wrong → Again;
  right and guessing → Hard; fairly sure → Good; sure → Easy; no confidence given →
  Good). Wrong and guessed answers take FSRS's learning steps, so they come back later
  the same day. A right answer given fairly sure or sure goes straight into review (a
  scheduler without learning steps for this first rating): FSRS gives it an interval of
  days, so it is not due today. Its log is marked `in_quiz`: it schedules the card but
  is not one of the day's reviews, and carries the confidence, the question and the
  time the answer took (the sitting's start to the submission, divided by the
  questions; none for a self-check, which has no sitting). Later attempts at the same
  question make no more cards.
- A finished lesson's key points become new cards, introduced under the learner's daily
  new-card limit.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import fsrs
from django.db import IntegrityError, transaction
from django.db.models import F, prefetch_related_objects
from django.utils import timezone

from accounts.models import User
from course.models import Lesson
from lib.errors import AppError, ErrorKind
from quizzes.display import shuffled_options
from quizzes.models import Attempt, Choice, Confidence, Sitting, offered_choices
from quizzes.signals import AnsweredQuestion

from . import memory
from . import scheduler as srs
from .balance import learner_load
from .confusions import review_recorded
from .models import Card, Rating, ReviewLog, State
from .recall import recall_before
from .selectors import MAX_DURATION_MS, local_day_start, visible_cards

MIN_DURATION_MS = 1_000  # a quiz answer measured as quicker than this was not measured

# Times forgotten (rated Again) before a card is a leech, out of the daily reviews until
# the learner brings it back. The one number: pages, API and this module all read it here.
LEECH_FAILURES = 8


# --- making cards ------------------------------------------------------------------------


def cards_from_attempt(*, attempt: Attempt, results: list[AnsweredQuestion], now: datetime) -> int:
    """Make a card of every question answered for the first time in this attempt, its
    first review the quiz answer itself (see the module's policy). Six queries whatever
    the quiz size (one reads the parameters that schedule the course's cards), and one
    more for the learner's load when due dates are balanced."""
    user = attempt.user
    have = set(
        Card.objects.filter(
            user=user, kind=Card.Kind.QUESTION, question__in=[r.question for r in results]
        ).values_list("question_id", flat=True)
    )
    fresh = [r for r in results if r.question.pk not in have]
    if not fresh:
        return 0
    quiz = attempt.quiz
    duration_ms = _quiz_answer_ms(attempt, len(results))
    load = learner_load(user, now)  # read once for all the cards, and kept up to date
    parameters = srs.parameters_for_card(user, quiz.course_id)
    cards, logs = [], []
    for result in fresh:
        question = result.question
        card = Card(
            user=user,
            kind=Card.Kind.QUESTION,
            question=question,
            course_id=quiz.course_id,
            module_id=quiz.module_id,
            lesson_id=question.lesson_id or quiz.lesson_id,
            # The version the quiz answer recorded: the one this first review is of.
            question_version=result.answer.question_version,
            due=now,
            created_at=now,
            answer_ms=duration_ms,
        )
        rating = srs.rating_for_answer(result.right, result.confidence)
        outcome = srs.review(
            srs.first_answer_scheduler(user, rating, parameters=parameters),
            card,
            rating,
            now,
            load=load,
        )
        log = _log(card, user, rating, now, outcome, duration_ms=duration_ms, was_new=True)
        log.in_quiz, log.confidence, log.question = True, result.confidence, question
        log.question_version = card.question_version
        logs.append(log)
        _apply(card, outcome, rating)
        cards.append(card)
    Card.objects.bulk_create(cards)
    for card, log in zip(cards, logs, strict=True):
        log.card = card
    ReviewLog.objects.bulk_create(logs)
    return len(cards)


def _quiz_answer_ms(attempt: Attempt, questions: int) -> int | None:
    """The time one answer took in a module quiz: from the sitting's start to the
    submission, shared by the questions, capped as review times are. None without a
    sitting (a lesson's self-check)."""
    started = Sitting.objects.filter(attempt=attempt).values_list("started_at", flat=True).first()
    if started is None or not questions:
        return None
    ms = (attempt.submitted_at - started).total_seconds() * 1000 / questions
    if ms < MIN_DURATION_MS:
        return None  # too quick to be a reading (a clock out of step, made-up data)
    return int(min(ms, MAX_DURATION_MS))


def cards_from_lesson(*, user: User, lesson: Lesson, now: datetime) -> int:
    """Make a new card of each key point of a finished lesson (two queries)."""
    cards = [
        Card(
            user=user,
            kind=Card.Kind.KEY_POINT,
            lesson=lesson,
            key_index=i,
            course_id=lesson.course_id,
            module_id=lesson.module_id,
            front=point["front"],
            back=point["back"],
            due=now,
            created_at=now,
        )
        for i, point in enumerate(lesson.key_points)
    ]
    created = Card.objects.bulk_create(cards, ignore_conflicts=True)
    return len(created)


def key_point_cards_refresh(*, lesson: Lesson) -> int:
    """Give learners' key-point cards the lesson's current wording (a corrected fact
    reaches everyone who is remembering it), keeping their schedule. One update per key
    point whose cards differ; returns how many cards changed."""
    changed = 0
    for i, point in enumerate(lesson.key_points):
        changed += (
            Card.objects.filter(kind=Card.Kind.KEY_POINT, lesson=lesson, key_index=i)
            .exclude(front=point["front"], back=point["back"])
            .update(front=point["front"], back=point["back"])
        )
    return changed


# --- reviewing ---------------------------------------------------------------------------

MAX_REPS = 2**31 - 1  # the column's range


class StaleReview(AppError):
    """A review whose `reps` is neither the card's now nor that of a recorded review with
    the same answer: the learner was looking at an older state of the card."""

    kind = ErrorKind.STALE

    def __init__(self, message: str, *, reps: int | None) -> None:
        super().__init__(message, extra={"reps": reps})
        self.reps = reps  # the card's review count now, to load it again by (None: gone)


@dataclass
class ReviewResult:
    """What a review did, read from its log alone, so that a repeat of the review answers
    exactly what the first answered."""

    card: Card
    log: ReviewLog
    replayed: bool = False  # a repeat of a review recorded before
    # The parameters that scheduled it (None: read them when needed, for a repeat).
    parameters: tuple[float, ...] | None = None

    @property
    def recall_before(self) -> float | None:
        """The memory model's chance that the card would be recalled just before this
        review, from the stability and last review it had then; None unless it was a
        learned card (in review). Before a first answer there is nothing to expect, and
        in a learning or relearning step the card was seen minutes ago: the model's
        near-certain recall there says nothing of the memory, and a learner who has just
        got it wrong again would rightly not believe it."""
        if self.log.state_before != State.REVIEW:
            return None
        parameters = self.parameters or srs.parameters_for_card(self.card.user, self.card.course_id)
        return recall_before(
            stability=self.log.stability_before,
            last_review=self.log.last_review_before,
            at=self.log.reviewed_at,
            parameters=parameters,
        )

    @property
    def correct(self) -> bool | None:
        """For quiz cards, was the answer right (a wrong one is always rated Again)."""
        if self.card.kind == Card.Kind.KEY_POINT:
            return None
        return self.log.rating != Rating.AGAIN

    @property
    def confidence(self) -> int | None:
        return self.log.confidence

    @property
    def reps(self) -> int:
        # Only logs from before reviews carried their reps have none, and no review
        # result is ever made from one: it is made by review_record or _replay(reps=…).
        assert self.log.reps is not None
        return self.log.reps + 1

    @property
    def next_due(self) -> datetime:
        return self.log.due_after

    @property
    def leech(self) -> bool:
        return self.log.made_leech


def review_record(
    *,
    user: User,
    card_id: int,
    reps: int,
    rating: int | None = None,
    choices: list[int] | None = None,
    early: bool = False,
    duration_ms: int | None = None,
    confidence: int | None = None,
    now: datetime | None = None,
) -> ReviewResult:
    """Record one review in one short transaction with a fixed number of queries (and one
    more, the learner's load, when due dates are balanced and the card goes into review).

    A quiz card (or a contrast card, which asks one of its two cases) is graded from
    `choices` and rated from the answer and `confidence` (scheduler.rating_for_answer); a
    `rating` sent too must agree with them. Without a confidence, a right answer is
    `rating` (Hard, Good or Easy; Good if not given). A key-point card needs `rating`. A
    card due later in the learner's day (a learning step) is in today's queue and may be
    reviewed without `early`.

    `reps` is the card's review count as the learner was shown it, and the review's key:
    the review made at reps N is recorded once (the card row is updated only if its count
    is still N, and the database holds one log per card and reps). A repeat of it, the
    same answer with the same reps (a double click, a retry after a lost response), gets
    the first review's result back. Any other reps is stale: StaleReview. Whatever
    cannot be recorded raises AppError (no such card: NOT_FOUND; the rest: INVALID).
    """
    now = now or timezone.now()
    if not 0 <= reps <= MAX_REPS:
        raise AppError("reps must be a whole number from 0, the card's review count.")
    card = visible_cards(user, now).select_related("question").filter(pk=card_id).first()
    if card is None:
        raise AppError("No such card.", ErrorKind.NOT_FOUND)
    if rating is not None and rating not in Rating.values:
        raise AppError("The rating must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy).")
    if confidence is not None and confidence not in Confidence.values:
        raise AppError("The confidence must be 1 (Guessing), 2 (Fairly sure) or 3 (Sure).")
    if reps != card.reps:
        # Before the checks below: the repeat of a review that was not early, or that
        # made the card a leech, still gets its result.
        return _replay(card, reps=reps, rating=_rating_for(card, rating, choices, confidence))
    if card.suspended:
        raise AppError(
            "This card is out of the queue (it kept being forgotten, or you stopped it). "
            "Bring it back from your progress page first."
        )
    if card.due >= local_day_start(user, now) + timedelta(days=1) and not early:
        raise AppError(
            f"This card is not due until {card.due:%Y-%m-%d %H:%M} UTC. "
            "Send early=true to review it now anyway."
        )
    rating = _rating_for(card, rating, choices, confidence)

    # The parameters in use for the card's course (one query): they schedule it, and
    # give the recall it had before this review.
    parameters = srs.parameters_for_card(user, card.course_id)
    outcome = srs.review(
        srs.scheduler_for_card(user, card, parameters=parameters),
        card,
        rating,
        now,
        load=learner_load(user, now),
    )
    failures = card.failures + (rating == Rating.AGAIN)
    leech = failures >= LEECH_FAILURES
    log = _log(card, user, rating, now, outcome, duration_ms=duration_ms, was_new=card.is_new)
    log.made_leech = leech
    log.confidence = confidence
    # The version of the question asked (a contrast card's side asked), from the question
    # row this review read with the card: no query more. The card keeps it too, but only a
    # question card: a contrast card moves on to its other side after the review.
    asked = card.question.version if card.question is not None else None
    log.question_version = asked
    keeps_version = {"question_version": asked} if card.kind == Card.Kind.QUESTION else {}
    try:
        with transaction.atomic():
            updated = Card.objects.filter(pk=card.pk, reps=reps).update(
                state=outcome.state,
                step=outcome.step,
                stability=outcome.stability,
                difficulty=outcome.difficulty,
                due=outcome.due,
                last_review=outcome.last_review,
                is_new=False,
                reps=F("reps") + 1,
                failures=failures,
                is_leech=leech,
                suspended=leech,
                # The day's time estimate reads the latest measured time from the card.
                answer_ms=F("answer_ms") if duration_ms is None else duration_ms,
                **keeps_version,
            )
            if updated == 1:
                log.save()
                review_recorded(card=card, log=log, choices=choices, now=now)
    except IntegrityError:
        updated = 0  # the database holds a review at this reps already
    if updated != 1:
        # Another request recorded this review between our read and our write (the
        # other half of a double click): it has committed, so answer with its result.
        return _replay(card, reps=reps, rating=rating)
    _apply(card, outcome, rating)
    card.reps += 1
    card.failures, card.is_leech, card.suspended = failures, leech, leech
    if duration_ms is not None:
        card.answer_ms = duration_ms
    if keeps_version:
        card.question_version = asked
    return ReviewResult(card=card, log=log, parameters=tuple(parameters))


def _rating_for(
    card: Card, rating: int | None, choices: list[int] | None, confidence: int | None = None
) -> int:
    """The rating a review records: a quiz card's from its graded answer and how sure
    the learner was."""
    if card.kind != Card.Kind.KEY_POINT:
        right = grade(card, choices)
        if not right:
            if rating not in (None, Rating.AGAIN):
                raise AppError("A wrong answer is rated Again.")
            return Rating.AGAIN
        if rating == Rating.AGAIN:
            raise AppError("A right answer is rated 2 (Hard), 3 (Good) or 4 (Easy).")
        if confidence is None:
            return rating or Rating.GOOD
        earned = srs.rating_for_answer(True, confidence)
        if rating not in (None, earned):
            raise AppError(
                f"A right answer given {Confidence(confidence).label.lower()} is rated "
                f"{earned} ({Rating(earned).label}), not {rating}: send the confidence "
                "or the rating, or both agreeing."
            )
        return earned
    if rating is None:
        raise AppError("Rate how well you remembered: 1 (Again) to 4 (Easy).")
    return rating


def _replay(card: Card, *, reps: int, rating: int) -> ReviewResult:
    """The result of the review recorded at `reps`, if this is a repeat of it."""
    log = ReviewLog.objects.filter(card=card, reps=reps).first()
    if log is not None and log.rating == rating:
        return ReviewResult(card=card, log=log, replayed=True)
    now_reps = Card.objects.filter(pk=card.pk).values_list("reps", flat=True).first()
    if log is not None:
        raise StaleReview(
            f"This review was already recorded, rated {Rating(log.rating).label}. "
            f"Load the card again (reps {now_reps}) to review it anew.",
            reps=now_reps,
        )
    raise StaleReview(
        f"This card has changed since you were shown it: its reps is {now_reps}, not {reps}. "
        "Load it again to review it.",
        reps=now_reps,
    )


def grade(card: Card, choices: list[int] | None) -> bool:
    if not choices:
        raise AppError("Choose an answer.")
    assert card.question is not None  # graded only for quiz cards, which have a question
    options = {c.pk: c.is_correct for c in card.question.choices.filter(retired=False)}
    if unknown := [c for c in choices if c not in options]:
        raise AppError(f"Option {unknown[0]} does not belong to this question.")
    return set(choices) == {pk for pk, right in options.items() if right}


def shuffled_choices(card: Card, reps: int | None = None) -> list[Choice]:
    """The options in a new order for each review (stable while the page is reloaded,
    and for a repeat of the review made at `reps`)."""
    assert card.question is not None  # shuffled only for quiz cards, which have a question
    # The offered options, kept on the question: its `expects_many` reads them too.
    prefetch_related_objects([card.question], offered_choices())
    seed = card.reps if reps is None else reps
    return shuffled_options(card.question.choices.all(), f"{card.pk}:{seed}")


def card_bring_back(*, user: User, card_id: int, reps: int) -> Card:
    """Put a card out of the queue back in the daily reviews: a leech due now, with its
    failures forgiven; a card the learner suspended themselves on its schedule as it was.
    `reps` is the card's review count as the learner saw it: a repeat (a double click)
    changes nothing more and gets the card as the first left it; a card reviewed since is
    stale (StaleReview)."""
    card = Card.objects.filter(user=user, pk=card_id).first()
    if card is None:
        raise AppError("No such card.", ErrorKind.NOT_FOUND)
    if reps != card.reps:
        raise StaleReview(
            f"This card has changed since you were shown it: its reps is {card.reps}, "
            f"not {reps}. Load it again.",
            reps=card.reps,
        )
    # Only a card out of the queue, at the count seen: a repeat finds it back already.
    out = Card.objects.filter(pk=card.pk, reps=reps, suspended=True)
    if card.is_leech:
        out.filter(is_leech=True).update(
            suspended=False, is_leech=False, failures=0, due=timezone.now()
        )
    else:
        out.filter(is_leech=False).update(suspended=False)
    card.refresh_from_db()
    return card


@dataclass(frozen=True)
class ReviewSettings:
    """A learner's review and reminder settings, already validated."""

    desired_retention: Decimal
    new_cards_per_day: int
    time_zone: str  # a known IANA zone
    reminders_enabled: bool
    reminder_hour: int  # local hour, 7 to 21
    weekdays: tuple[int, ...]  # the days reminders may come on, 0 = Monday
    reminder_mode: str  # User.ReminderMode: on the clock, or when recall fades
    max_reviews_per_day: int  # 10 to 2000
    light_days: bool  # keep the days without reminders light


@transaction.atomic
def review_settings_save(*, user: User, settings: ReviewSettings) -> int | None:
    """Save a learner's review and reminder settings (the page's and the API's). A new
    desired retention reschedules the cards in review: returns how many moved, or None
    when the retention did not change. `user` is as stored, so that its retention is the
    one before this change."""
    old = user.desired_retention
    user.new_cards_per_day = settings.new_cards_per_day
    user.time_zone = settings.time_zone
    user.reminders_enabled = settings.reminders_enabled
    user.reminder_hour = settings.reminder_hour
    user.reminder_weekdays = sum(1 << day for day in set(settings.weekdays))
    user.reminder_mode = settings.reminder_mode
    user.max_reviews_per_day = settings.max_reviews_per_day
    user.light_days = settings.light_days
    user.save(
        update_fields=[
            "new_cards_per_day",
            "time_zone",
            "reminders_enabled",
            "reminder_hour",
            "reminder_weekdays",
            "reminder_mode",
            "max_reviews_per_day",
            "light_days",
        ]
    )
    if settings.desired_retention == old:
        return None
    return retention_change(user=user, desired_retention=settings.desired_retention)


def retention_change(*, user: User, desired_retention: Decimal, batch: int = 1000) -> int:
    """Save a new desired retention and move every card in review to the due date fsrs
    gives it at that retention, with the parameters that schedule it (its course's).
    Cards in (re)learning keep their short steps."""
    user.desired_retention = desired_retention
    user.save(update_fields=["desired_retention"])
    parameters = memory.parameters_for(user)
    schedulers: dict[int, fsrs.Scheduler] = {}
    cards = (
        Card.objects.filter(user=user, state=State.REVIEW, last_review__isnull=False)
        .only("pk", "course_id", "stability", "last_review", "due")
        .order_by("pk")
    )
    moved, last_pk = 0, 0
    while True:
        chunk = list(cards.filter(pk__gt=last_pk)[:batch])
        if not chunk:
            return moved
        for card in chunk:
            # A card in review has been reviewed, so has both (the filter says so too).
            assert card.last_review is not None and card.stability is not None
            if card.course_id not in schedulers:
                schedulers[card.course_id] = srs.scheduler_for(
                    user, parameters=parameters.for_course(card.course_id)
                )
            scheduler = schedulers[card.course_id]
            card.due = card.last_review + timedelta(
                days=srs.review_interval_days(scheduler, card.stability)
            )
        Card.objects.bulk_update(chunk, ["due"])
        moved += len(chunk)
        last_pk = chunk[-1].pk


def _log(
    card: Card,
    user: User,
    rating: int,
    now: datetime,
    outcome: srs.Outcome,
    *,
    duration_ms: int | None,
    was_new: bool,
) -> ReviewLog:
    return ReviewLog(
        card=card if card.pk else None,
        user=user,
        reps=card.reps,
        question_id=card.question_id,
        module_id=card.module_id,
        rating=rating,
        reviewed_at=now,
        duration_ms=duration_ms,
        was_new=was_new,
        state_before=card.state,
        state_after=outcome.state,
        due_before=card.due,
        # The rest of the card as it was, so that this review can be undone exactly.
        step_before=card.step,
        stability_before=card.stability,
        difficulty_before=card.difficulty,
        last_review_before=card.last_review,
        due_after=outcome.due,
        stability_after=outcome.stability,
        difficulty_after=outcome.difficulty,
    )


def _apply(card: Card, outcome: srs.Outcome, rating: int) -> None:
    card.state, card.step = outcome.state, outcome.step
    card.stability, card.difficulty = outcome.stability, outcome.difficulty
    card.due, card.last_review = outcome.due, outcome.last_review
    card.is_new = False
    if card.pk is None:
        card.reps = 1
        card.failures = int(rating == Rating.AGAIN)
