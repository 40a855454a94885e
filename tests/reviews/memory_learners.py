"""Simulated learners put in the database: key-point cards and their review logs, made
from `reviews.simulate` histories and scheduled as the site schedules them."""

from datetime import UTC, datetime, timedelta

import fsrs

from reviews import scheduler as srs
from reviews.memory import DEFAULT_PARAMETERS
from reviews.models import Card, ReviewLog
from reviews.simulate import simulate_histories

# After the factories publish their lessons (a day before the real now), so that the
# learners' cards can be reviewed at these times.
START = datetime(2027, 1, 4, 18, 0, tzinfo=UTC)
DAYS = 300
AFTER = START + timedelta(days=DAYS, hours=9)  # 03:00 the night after the histories end

# A learner who takes in new cards better than the defaults expect (w0–w3 doubled) but
# gains less stability from each recall (w8 1.2 against 1.87), with a flatter forgetting
# curve (w20 0.3): scheduled with the defaults, they recall about 85% where 90% was aimed.
WEAKER_KEEPER = tuple(
    2 * w if i < 4 else 1.2 if i == 8 else 0.3 if i == 20 else w
    for i, w in enumerate(DEFAULT_PARAMETERS)
)


def simulated(parameters=DEFAULT_PARAMETERS, *, cards=250, days=DAYS, seed=1):
    return simulate_histories(parameters, cards=cards, days=days, seed=seed, start=START)


def put_in_database(user, lesson, histories, *, kind=Card.Kind.KEY_POINT, first_index=0):
    """Cards of `lesson` for `user` with these histories as their logs, each card left
    as the default scheduler (no fuzz) left it. Returns the cards, in order."""
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    cards, logs = [], []
    for offset, history in enumerate(histories):
        card = Card(
            user=user,
            kind=kind,
            lesson=lesson,
            key_index=first_index + offset,
            course_id=lesson.course_id,
            module_id=lesson.module_id,
            front=f"Q{first_index + offset}?",
            back="A.",
            due=history[0][1],
            created_at=history[0][1],
        )
        for reps, (rating, at) in enumerate(history):
            outcome = srs.review(scheduler, card, rating, at)
            logs.append(
                ReviewLog(
                    card=card,
                    user=user,
                    module_id=lesson.module_id,
                    rating=rating,
                    reviewed_at=at,
                    was_new=reps == 0,
                    reps=reps,
                    state_before=card.state,
                    state_after=outcome.state,
                    due_before=card.due,
                    due_after=outcome.due,
                    stability_after=outcome.stability,
                    difficulty_after=outcome.difficulty,
                )
            )
            card.state, card.step = outcome.state, outcome.step
            card.stability, card.difficulty = outcome.stability, outcome.difficulty
            card.due, card.last_review = outcome.due, outcome.last_review
            card.is_new, card.reps = False, reps + 1
        cards.append(card)
    Card.objects.bulk_create(cards)
    ReviewLog.objects.bulk_create(logs)  # each log takes its card's new pk
    return cards
