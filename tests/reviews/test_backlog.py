"""After a break the backlog is served lowest recall first, and never past the learner's
daily review limit: the rest is kept for the coming days (new cards keep their own
limit; cards due later today count against it)."""

from datetime import UTC, datetime, timedelta

import pytest

from reviews import selectors
from reviews.models import Card, State
from reviews.services import review_record
from tests.factories import LessonFactory, UserFactory, reviewed_key_point_card
from tests.reviews.library_recall import library_recall as recall_at

pytestmark = pytest.mark.django_db

BACK = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)  # 10:00 in London, after a long break
# (stability, days since the last review): due weeks ago, fading at different rates.
BACKLOG = [(30.0, 40), (2.0, 35), (60.0, 90), (5.0, 20), (1.0, 45), (12.0, 33)]


def deck(user, lesson, cards=BACKLOG, *, due=None):
    made = []
    for i, (stability, days) in enumerate(cards):
        card = reviewed_key_point_card(
            user,
            lesson,
            due=due or BACK - timedelta(days=10),
            last_review=BACK - timedelta(days=days),
        )
        card.key_index, card.stability = i, stability
        made.append(card)
    return Card.objects.bulk_create(made)


@pytest.fixture
def learner():
    return UserFactory(time_zone="Europe/London")


@pytest.fixture
def lesson():
    return LessonFactory()


def library_recall(card):
    return recall_at(card, BACK)


def serve_all(user, now, limit=50):
    served = []
    while (card := selectors.due_queue(user, now).card) is not None and len(served) < limit:
        review_record(user=user, card_id=card.pk, reps=card.reps, rating=3, now=now)
        served.append(card.pk)
    return served


def test_after_a_break_the_least_likely_to_be_recalled_come_first(learner, lesson):
    cards = deck(learner, lesson)
    expected = [c.pk for c in sorted(cards, key=library_recall)]
    oldest_due_first = [c.pk for c in sorted(cards, key=lambda c: (c.due, c.pk))]
    assert expected != oldest_due_first  # the order is the recall's, not the due date's
    assert serve_all(learner, BACK) == expected


def test_the_daily_limit_keeps_the_rest_of_the_backlog_for_the_coming_days(learner, lesson):
    learner.max_reviews_per_day = 4
    learner.save()
    cards = deck(learner, lesson)
    today = selectors.today(learner, BACK)
    assert (today.due_now, today.kept, today.to_go, today.limit) == (4, 2, 4, 4)
    served = serve_all(learner, BACK)
    # The four most faded are reviewed today; the two most likely to be recalled wait.
    assert served == [c.pk for c in sorted(cards, key=library_recall)][:4]
    after = selectors.due_queue(learner, BACK + timedelta(minutes=1))
    assert after.card is None
    assert (after.today.done, after.today.due_now, after.today.kept) == (4, 0, 2)
    # The next day, the limit starts again.
    tomorrow = selectors.today(learner, BACK + timedelta(days=1))
    assert tomorrow.due_now >= 2 and tomorrow.kept == 0


def test_under_the_limit_the_least_likely_to_be_recalled_are_served_whatever_their_lesson(
    learner, lesson
):
    # The three most faded cards are of one lesson, the rest of another: the rule that
    # keeps one lesson's cards apart orders the cards served, but does not choose them.
    learner.max_reviews_per_day = 3
    learner.save()
    faded = deck(learner, lesson, [(1.0, 45), (2.0, 35), (5.0, 20)])
    deck(learner, LessonFactory(), [(30.0, 40), (60.0, 90), (12.0, 33)])
    served = serve_all(learner, BACK)
    assert sorted(served) == sorted(c.pk for c in faded)
    assert selectors.today(learner, BACK).kept == 3


def test_the_limit_is_on_learned_cards_and_learning_steps_are_never_held_back(learner, lesson):
    learner.max_reviews_per_day = 3
    learner.new_cards_per_day = 2
    learner.save()
    due_now = deck(learner, lesson, BACKLOG[:2])
    later = deck(learner, LessonFactory(), BACKLOG[:3], due=BACK + timedelta(hours=3))
    new = reviewed_key_point_card(learner, LessonFactory(), due=BACK, last_review=None)
    new.is_new, new.state, new.step, new.stability, new.difficulty = True, 1, 0, None, None
    new.save()
    today = selectors.today(learner, BACK)
    assert (today.due_now, today.due_later, today.kept) == (2, 1, 2)
    assert today.new_available == 1 and today.to_go == 4
    assert today.due_today == 5  # the forecast's today: every card due
    served = serve_all(learner, BACK)
    # The two learned cards due now, the new card and its learning step (a step is not
    # held back by the limit, nor is a new card's first showing a review), then the one
    # review left of the three: the soonest learned card due later today.
    assert set(served[:2]) == {c.pk for c in due_now}
    assert served[2:4] == [new.pk, new.pk]
    assert served[4:] == [sorted(later, key=lambda c: (c.due, c.pk))[0].pk]
    # Three learned cards reviewed: the limit is reached; the other two wait.
    after = selectors.due_queue(learner, BACK + timedelta(hours=4))
    assert after.card is None or after.card.state != State.REVIEW
    assert after.today.kept == 2


def test_the_session_and_home_pages_say_what_the_limit_keeps(client, learner, lesson, time_machine):
    learner.max_reviews_per_day = 2
    learner.save()
    deck(learner, lesson)
    time_machine.move_to(BACK, tick=False)
    client.force_login(learner)
    page = client.get("/review/").content.decode()
    assert "4 more due are kept for the coming days (your limit is 2 a day" in page
    for _ in range(2):
        card = selectors.due_queue(learner, BACK).card
        review_record(user=learner, card_id=card.pk, reps=card.reps, rating=3, now=BACK)
    page = client.get("/review/").content.decode()
    assert "Nothing more to review today" in page
    assert (
        "Your limit of 2 reviews a day is reached: the 4 cards still due wait for the "
        "coming days, up to 2 a day" in page
    )


def test_the_queue_reads_the_parameters_once_whatever_the_backlog(
    learner, lesson, django_assert_num_queries
):
    deck(learner, lesson, BACKLOG[:2])
    # The counts (two), the last review's lesson, the parameters and the card.
    with django_assert_num_queries(5):
        selectors.due_queue(learner, BACK)
    deck(learner, LessonFactory(), BACKLOG * 5)
    with django_assert_num_queries(5):
        selectors.due_queue(learner, BACK)


def test_the_api_says_what_the_limit_keeps_and_the_recall_before_a_review(
    api_client, learner, lesson, time_machine
):
    learner.max_reviews_per_day = 2
    learner.save()
    cards = deck(learner, lesson)
    time_machine.move_to(BACK, tick=False)
    api_client.force_authenticate(learner)
    due = api_client.get("/api/v1/reviews/due/").json()
    assert (due["reviews_due"], due["kept_for_coming_days"], due["max_reviews_per_day"]) == (
        2,
        4,
        2,
    )
    most_faded = min(cards, key=library_recall)
    assert due["next"]["id"] == most_faded.pk
    body = api_client.post(
        f"/api/v1/reviews/{most_faded.pk}/", {"rating": 3, "reps": 0}, format="json"
    ).json()
    assert body["recall_before"] == pytest.approx(library_recall(most_faded), rel=1e-12)
