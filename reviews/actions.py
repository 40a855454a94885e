"""What a learner may do to a card besides reviewing it: undo their last rating, stop
seeing it (suspend), put it off until tomorrow (bury), or tell the editors it is wrong
(flag). Each is one short transaction; each refuses with an AppError, never an HTTP code.
"""

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Subquery
from django.db.models.functions import Greatest

from accounts.models import User
from lib.errors import AppError, ErrorKind

from .contrast import contrast_recount
from .models import Card, CardFlag, ContrastPair, Rating, ReviewLog
from .selectors import local_day_start, visible_cards

FLAG_NOTE_MAX = 1000  # CardFlag.note's max_length: the form and the API say so too

NOTHING_TO_UNDO = "Nothing to undo: there is no answer of yours today left to take back."


def _own_card(user: User, card_id: int, now: datetime) -> Card:
    """The learner's own card, if they may still see it; NOT_FOUND otherwise (another's
    card and no card at all look the same)."""
    card = visible_cards(user, now).filter(pk=card_id).first()
    if card is None:
        raise AppError("No such card.", ErrorKind.NOT_FOUND)
    return card


# --- undo --------------------------------------------------------------------------------


def last_undoable(user: User, now: datetime) -> ReviewLog | None:
    """The review an "Undo" would take back: the learner's latest of today (their local
    day) made in a review session, not by answering in a quiz. One query."""
    return (
        ReviewLog.objects.filter(
            user=user, in_quiz=False, reviewed_at__gte=local_day_start(user, now)
        )
        .order_by("-reviewed_at", "-pk")
        .first()
    )


def _has_before_state(log: ReviewLog) -> bool:
    """Whether the log kept the card as it was. Logs written before the before-state was
    recorded have NULLs where a card that had been reviewed had values: a card's first
    review (a new card's, or a contrast card's, which starts out of the new cards)
    legitimately has none."""
    if log.reps is None:
        return False
    if log.was_new or log.reps == 0:
        return True
    return (
        log.stability_before is not None
        and log.difficulty_before is not None
        and log.last_review_before is not None
    )


def undo_last_review(
    *, user: User, now: datetime, card_id: int | None = None, reps: int | None = None
) -> Card:
    """Take back the learner's last rating of today and put the card back exactly as it
    was before it (state, step, stability, difficulty, due, last review, new or not, the
    review and failure counts, and out of the queue no more if that review made it a
    leech). The review's log goes, and with it the confusions it recorded.

    `card_id` and `reps` (the card's review count after that review, as the page or the
    API answered it) say which review the learner means: sent twice (a double click), the
    second finds that review gone and is refused (ALREADY_DONE), rather than taking back
    the review before it. Without them, the latest review is undone.
    """
    with transaction.atomic():
        log = last_undoable(user, now)
        if card_id is not None and (
            log is None or log.card_id != card_id or log.reps is None or reps != log.reps + 1
        ):
            raise AppError(
                "That answer was taken back already, or is no longer your last one today.",
                ErrorKind.ALREADY_DONE,
            )
        if log is None:
            raise AppError(NOTHING_TO_UNDO, ErrorKind.ALREADY_DONE)
        if not _has_before_state(log):
            raise AppError(
                "This answer was recorded before answers could be taken back, so it cannot be."
            )
        assert log.reps is not None  # _has_before_state says so
        changes: dict[str, Any] = {
            "state": log.state_before,
            "step": log.step_before,
            "stability": log.stability_before,
            "difficulty": log.difficulty_before,
            "due": log.due_before,
            "last_review": log.last_review_before,
            "is_new": log.was_new,
            "reps": log.reps,
        }
        if log.rating == Rating.AGAIN:
            # A leech brought back since has its failures at 0: never below.
            changes["failures"] = Greatest(F("failures") - 1, 0)
        # Before this review the card was in the queue (a stopped or buried card is not
        # served): whatever happened to it since, a leech this review made, "Stop showing"
        # or "Not today" chosen after it, is undone with it, so the card is shown again.
        changes["suspended"] = False
        changes["is_leech"] = False
        changes["buried_until"] = None
        # The latest measured time before this review's.
        changes["answer_ms"] = Subquery(
            ReviewLog.objects.filter(card_id=log.card_id, duration_ms__isnull=False)
            .exclude(pk=log.pk)
            .order_by("-reviewed_at", "-pk")
            .values("duration_ms")[:1]
        )
        # Compare-and-set: only if the card has not been reviewed since this review (its
        # count is still the one this review left). Another request undoing the same
        # review at the same moment finds the count moved and stops here.
        if not Card.objects.filter(pk=log.card_id, reps=log.reps + 1).update(**changes):
            raise AppError(
                "That answer was taken back already, or its card has changed since, so it "
                "cannot be taken back.",
                ErrorKind.STALE,
            )
        log.delete()
        card = Card.objects.select_related("question", "lesson").get(pk=log.card_id)
        if card.contrast_id is not None:
            # The pair's right days are counted from its card's logs: count them again
            # without this one (a pair retired by it comes back, its side asked again).
            contrast_recount(card=card, now=now)
            card.refresh_from_db()
    return card


# --- suspend, bury -----------------------------------------------------------------------


def card_suspend(*, user: User, card_id: int, now: datetime) -> Card:
    """Take a card out of the reviews until the learner brings it back (from the progress
    page, `services.card_bring_back`). Not a leech: its failures and schedule stay. A
    repeat changes nothing."""
    card = _own_card(user, card_id, now)
    Card.objects.filter(pk=card.pk).update(suspended=True, is_leech=False)
    card.suspended, card.is_leech = True, False
    return card


def next_local_day(user: User, now: datetime) -> datetime:
    """The start of the learner's next local day (midnight where they are), as aware time.
    Built from the date rather than by adding 24 hours, so a day with a clock change is
    23 or 25 hours long, as it is where they live."""
    tomorrow = local_day_start(user, now).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time.min, tzinfo=user.zone)


def card_bury(*, user: User, card_id: int, now: datetime) -> Card:
    """ "Not today": out of the queue until the learner's next local day begins. Its
    schedule stays; tomorrow it is due as before (overdue, if it was due today)."""
    card = _own_card(user, card_id, now)
    until = next_local_day(user, now)
    Card.objects.filter(pk=card.pk).update(buried_until=until)
    card.buried_until = until
    return card


# --- flag --------------------------------------------------------------------------------


def card_flag(*, user: User, card_id: int, note: str, now: datetime) -> tuple[CardFlag, bool]:
    """Tell the editors this card is wrong, with an optional note (plain text, at most
    FLAG_NOTE_MAX characters). One open flag a card: a repeat gets the open flag back
    unchanged, and False for "not made now"."""
    note = note.strip()
    if len(note) > FLAG_NOTE_MAX:
        raise AppError(f"Keep the note to {FLAG_NOTE_MAX} characters or fewer.")
    card = _own_card(user, card_id, now)
    # The case it is about: a quiz card's question; a contrast card's side that was missed.
    question_id = card.question_id
    if question_id is None and card.contrast_id is not None:
        question_id = (
            ContrastPair.objects.filter(pk=card.contrast_id)
            .values_list("missed_id", flat=True)
            .first()
        )
    open_flags = CardFlag.objects.filter(card=card, resolved_at__isnull=True)
    if (flag := open_flags.first()) is not None:
        return flag, False
    try:
        with transaction.atomic():
            flag = CardFlag.objects.create(
                card=card,
                user=user,
                question_id=question_id,
                lesson_id=card.lesson_id,
                note=note,
                created_at=now,
            )
    except IntegrityError:
        # The other half of a double click made it between our read and our write.
        return open_flags.get(), False
    return flag, True


def flags_resolve(*, flag_ids: Iterable[int], editor: User, now: datetime) -> int:
    """Mark open flags resolved by `editor` (the admin's action); returns how many. Flags
    resolved already keep who resolved them and when."""
    return CardFlag.objects.filter(pk__in=list(flag_ids), resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=editor
    )
