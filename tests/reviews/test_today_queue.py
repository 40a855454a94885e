"""The card policy, today's queue and its counts: a right, sure quiz answer is not due
today; learning steps stay in the session and come back after the others; one selector
gives every count, and the session page, the home page, the progress page and the API
agree; the time estimate reads each card's own answer time; no two cards of a lesson
back to back; confidence sets the rating of a review answer."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes.models import Answer, Attempt, Choice, Confidence, Sitting
from quizzes.signals import AnsweredQuestion
from reviews import scheduler as srs
from reviews import selectors
from reviews.models import Card, Confusion, Rating, ReviewLog, State
from reviews.services import cards_from_attempt, cards_from_lesson, review_record
from tests.factories import (
    EnrollmentFactory,
    LessonFactory,
    QuizFactory,
    UserFactory,
    question_with,
)

pytestmark = pytest.mark.django_db

MORNING = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)  # 09:00 in London, after the factories publish
GUESSING, FAIRLY_SURE, SURE = Confidence.GUESSING, Confidence.FAIRLY_SURE, Confidence.SURE


@pytest.fixture
def quiz():
    quiz = QuizFactory()
    lesson = LessonFactory(module=quiz.module)
    for i in range(6):
        question_with(quiz, correct=(0,), lesson=lesson, slug=f"q{i}")
    return quiz


@pytest.fixture
def learner(quiz):
    user = UserFactory(time_zone="Europe/London")
    EnrollmentFactory(user=user, course=quiz.course)
    return user


def answered(user, quiz, said, *, at=MORNING, started=None):
    """An attempt at the quiz with, for each question slug, (right, confidence), its cards
    made as the quiz would make them (the quiz pages send the confidence)."""
    attempt = Attempt.objects.create(user=user, quiz=quiz, submitted_at=at, score=0, passed=True)
    if started is not None:
        Sitting.objects.create(
            user=user, quiz=quiz, question_ids=[], started_at=started, attempt=attempt
        )
    results = []
    for question in quiz.questions.filter(slug__in=said).order_by("order"):
        right, confidence = said[question.slug]
        row = Answer.objects.create(
            attempt=attempt, question=question, score=int(right), confidence=confidence
        )
        results.append(
            AnsweredQuestion(
                question=question,
                answer=row,
                score=row.score,
                confidence=confidence,
                chosen=frozenset(),
            )
        )
    cards_from_attempt(attempt=attempt, results=results, now=at)
    return attempt


def card_of(user, slug):
    return Card.objects.select_related("question").get(user=user, question__slug=slug)


def right_choice(card):
    return [card.question.choices.get(is_correct=True).pk]


def wrong_choice(card):
    return [card.question.choices.filter(is_correct=False).order_by("order").first().pk]


def serve_right(learner, now, n):
    """Answer the next `n` cards of the session right; the slugs in the order served."""
    served = []
    for _ in range(n):
        card = selectors.due_queue(learner, now).card
        served.append(card.question.slug)
        review_record(
            user=learner, card_id=card.pk, reps=card.reps, choices=right_choice(card), now=now
        )
    return served


def queue_queries(learner, now):
    with CaptureQueriesContext(connection) as queries:
        selectors.due_queue(learner, now)
    return len(queries)


def end_of_day(user, now):
    return selectors.local_day_start(user, now) + timedelta(days=1)


# --- the rating ----------------------------------------------------------------------------


def test_the_rating_an_answer_earns():
    table = {
        (False, None): Rating.AGAIN,
        (False, GUESSING): Rating.AGAIN,
        (False, FAIRLY_SURE): Rating.AGAIN,
        (False, SURE): Rating.AGAIN,
        (True, GUESSING): Rating.HARD,
        (True, FAIRLY_SURE): Rating.GOOD,
        (True, SURE): Rating.EASY,
        (True, None): Rating.GOOD,
    }
    for (right, confidence), rating in table.items():
        assert srs.rating_for_answer(right, confidence) == rating, (right, confidence)
    rows = [(r.answer, r.confidence, r.rating_label) for r in srs.rating_table()]
    assert rows == [
        ("Wrong", "Any", "Again"),
        ("Right", "Guessing", "Hard"),
        ("Right", "Fairly sure", "Good"),
        ("Right", "Sure", "Easy"),
    ]


# --- the card policy ---------------------------------------------------------------------


def test_a_right_sure_first_answer_is_not_due_today_wrong_and_guessed_are(quiz, learner):
    said = {
        "q0": (True, SURE),
        "q1": (True, FAIRLY_SURE),
        "q2": (True, None),
        "q3": (True, GUESSING),
        "q4": (False, SURE),
        "q5": (False, GUESSING),
    }
    answered(learner, quiz, said, started=MORNING - timedelta(minutes=12))
    tonight = end_of_day(learner, MORNING)
    cards = {slug: card_of(learner, slug) for slug in said}
    for slug in ("q0", "q1", "q2"):
        assert cards[slug].due >= tonight + timedelta(days=1), slug  # days away
        assert cards[slug].state == State.REVIEW
    for slug in ("q3", "q4", "q5"):
        assert MORNING < cards[slug].due < MORNING + timedelta(minutes=10), slug  # today
        assert cards[slug].state == State.LEARNING
    assert cards["q0"].due > cards["q1"].due  # Easy goes further than Good
    logs = {
        log.card.question.slug: log for log in ReviewLog.objects.select_related("card__question")
    }
    assert [logs[s].rating for s in sorted(said)] == [4, 3, 3, 2, 1, 1]
    assert all(log.in_quiz and log.was_new for log in logs.values())
    assert logs["q4"].confidence == SURE and logs["q2"].confidence is None
    assert all(log.question_id == log.card.question_id for log in logs.values())
    # Twelve minutes for six questions: two minutes each.
    assert {log.duration_ms for log in logs.values()} == {120_000}
    counts = selectors.today(learner, MORNING + timedelta(minutes=1))
    assert (counts.done, counts.new_seen, counts.due_now + counts.due_later) == (0, 0, 3)


def test_a_self_check_has_no_measured_time_and_a_long_sitting_is_capped(quiz, learner):
    answered(learner, quiz, {"q0": (True, SURE)})
    answered(
        learner,
        quiz,
        {"q1": (True, SURE)},
        at=MORNING + timedelta(hours=3),
        started=MORNING - timedelta(hours=2),
    )
    times = dict(
        ReviewLog.objects.values_list("card__question__slug", "duration_ms").order_by("pk")
    )
    assert times == {"q0": None, "q1": selectors.MAX_DURATION_MS}


def test_done_today_is_zero_after_a_quiz(client, quiz, learner):
    answered(learner, quiz, {s: (s != "q0", FAIRLY_SURE) for s in ("q0", "q1", "q2")})
    with time_machine.travel(MORNING + timedelta(minutes=5), tick=False):
        client.force_login(learner)  # a session of that day
        page = client.get("/review/").content.decode()
        stats = client.get("/api/v1/reviews/stats/").json()
        due = client.get("/api/v1/reviews/due/").json()
    assert '<span data-count="done">0</span> done today' in page
    assert due["reviewed_today"] == 0 and due["reviews_due"] == 1
    assert stats["reviews_per_day"] == [] and stats["retention"] == [] and stats["streak"] == 0


def test_key_points_are_new_cards_under_the_daily_limit(quiz, learner):
    learner.new_cards_per_day = 2
    learner.save()
    lesson = LessonFactory(
        module=quiz.module, key_points=[{"front": f"F{i}", "back": f"B{i}"} for i in range(5)]
    )
    cards_from_lesson(user=learner, lesson=lesson, now=MORNING)
    counts = selectors.today(learner, MORNING)
    assert (counts.new_available, counts.due_now, counts.to_go) == (2, 0, 2)
    # Two key points at eight seconds each.
    assert counts.seconds == 2 * selectors.KEY_POINT_MS // 1000


# --- learning steps stay in today's session -------------------------------------------


def test_a_card_rated_hard_comes_back_after_the_others_and_the_day_ends_when_none_is_left(
    client, quiz, learner
):
    # Three cards to review now (missed in the quiz), one lesson each time avoided: the
    # cards are of one lesson, so only due order counts.
    answered(learner, quiz, {s: (False, GUESSING) for s in ("q0", "q1", "q2")})
    first = card_of(learner, "q0")
    now = MORNING + timedelta(minutes=5)
    with time_machine.travel(now, tick=False):
        client.force_login(learner)  # a session of that day
        page = client.get("/review/").content.decode()
        assert f'action="/review/{first.pk}/"' in page
        response = client.post(
            f"/review/{first.pk}/",
            {"choices": right_choice(first), "confidence": "1", "reps": "1"},
        )
        assert "Right, but you were guessing: Hard, back in" in response.content.decode()
    first.refresh_from_db()
    assert now < first.due < now + timedelta(minutes=15)
    # The two others are served before it...
    for slug in ("q1", "q2"):
        with time_machine.travel(now, tick=False):
            queue = selectors.due_queue(learner)
            assert queue.card.question.slug == slug
            assert queue.today.due_later == 1
            card = queue.card
            client.post(
                f"/review/{card.pk}/",
                {"choices": right_choice(card), "confidence": "3", "reps": str(card.reps)},
            )
    # ...then it comes back, though not due for a few minutes: the session goes on.
    with time_machine.travel(now, tick=False):
        page = client.get("/review/").content.decode()
        assert f'action="/review/{first.pk}/"' in page and "Nothing more to review" not in page
        assert "Back for another try" in page
        assert '<span data-count="to-go">1</span> to go' in page
    with time_machine.travel(first.due + timedelta(minutes=1), tick=False):
        response = client.post(
            f"/review/{first.pk}/",
            {"choices": right_choice(first), "confidence": "3", "reps": "2"},
        )
        assert "Right, and you were sure: Easy, back in" in response.content.decode()
        page = client.get("/review/").content.decode()
    assert "Nothing more to review today" in page
    assert "<strong>4</strong> <span>answers today</span>" in page  # one twice


def test_a_review_due_before_the_end_of_the_local_day_is_in_today_queue(quiz, learner):
    answered(learner, quiz, {"q0": (True, SURE), "q1": (True, SURE)})
    tonight = end_of_day(learner, MORNING)
    Card.objects.filter(question__slug="q0").update(due=tonight - timedelta(minutes=1))
    Card.objects.filter(question__slug="q1").update(due=tonight + timedelta(minutes=1))
    queue = selectors.due_queue(learner, MORNING)
    assert (queue.today.due_now, queue.today.due_later) == (0, 1)
    assert queue.card.question.slug == "q0"
    # Reviewed now, without `early`: it is today's.
    review_record(
        user=learner, card_id=queue.card.pk, reps=1, choices=right_choice(queue.card), now=MORNING
    )
    assert selectors.due_queue(learner, MORNING).card is None


def test_buried_and_suspended_cards_are_not_counted_or_served(quiz, learner):
    answered(learner, quiz, {s: (False, SURE) for s in ("q0", "q1", "q2")})
    now = MORNING + timedelta(minutes=5)
    Card.objects.filter(question__slug="q0").update(buried_until=end_of_day(learner, now))
    Card.objects.filter(question__slug="q1").update(suspended=True)
    queue = selectors.due_queue(learner, now)
    assert queue.today.due_now == 1 and queue.card.question.slug == "q2"
    assert selectors.forecast(learner, now)[0].count == 1
    # The day after, the buried card is back.
    assert selectors.today(learner, now + timedelta(days=1)).due_now == 2


# --- one selector for every count ---------------------------------------------------------


def test_the_session_home_progress_pages_and_the_api_agree(client, api_client, quiz, learner):
    lesson = LessonFactory(module=quiz.module, key_points=[{"front": "F", "back": "B"}] * 3)
    cards_from_lesson(user=learner, lesson=lesson, now=MORNING)
    answered(
        learner,
        quiz,
        {"q0": (False, SURE), "q1": (True, GUESSING), "q2": (True, SURE), "q3": (False, None)},
    )
    # One due later today, one buried.
    Card.objects.filter(question__slug="q3").update(due=MORNING + timedelta(hours=5))
    Card.objects.filter(question__slug="q1").update(buried_until=MORNING + timedelta(hours=15))
    api_client.force_authenticate(learner)
    with time_machine.travel(MORNING + timedelta(minutes=15), tick=False):
        client.force_login(learner)  # a session of that day
        counts = selectors.today(learner)
        session = client.get("/review/").content.decode()
        home = client.get("/").content.decode()
        progress = client.get("/review/progress/").content.decode()
        due = api_client.get("/api/v1/reviews/due/").json()
        forecast = selectors.forecast(learner)
    # q0 due now, q3 later today, three new key points; q1 buried, q2 days away.
    assert (counts.due_now, counts.due_later, counts.new_available) == (1, 1, 3)
    to_go = f'<span data-count="to-go">{counts.to_go}</span> to go'
    assert counts.to_go == 5
    for page in (session, progress):
        assert to_go in page
    assert f"Today's review: {counts.to_go} cards</a>" in home
    assert f"about {counts.minutes} min" in session and f"About {counts.minutes} minute" in home
    assert (due["to_go"], due["reviews_due"], due["due_later_today"], due["new_available"]) == (
        5,
        1,
        1,
        3,
    )
    assert due["minutes"] == counts.minutes
    assert forecast[0].count == counts.due_today == 2
    assert "(1 due now, 3 new, 1 later today)" in progress
    assert "(1 due now, 3 new, 1 later today)" in session


# --- the time estimate --------------------------------------------------------------------


def test_the_estimate_uses_each_cards_own_time_else_a_default_by_kind(quiz, learner):
    vignette = "word " * 200  # two hundred words: a minute to read
    quiz.questions.filter(slug="q1").update(vignette=vignette.strip(), prompt="Which?")
    answered(
        learner,
        quiz,
        {"q0": (False, SURE)},
        started=MORNING - timedelta(seconds=90),
    )
    answered(learner, quiz, {"q1": (False, SURE)})  # no time measured: its reading time
    lesson = LessonFactory(module=quiz.module, key_points=[{"front": "F", "back": "B"}])
    cards_from_lesson(user=learner, lesson=lesson, now=MORNING)
    chars = len(vignette.strip()) + len("Which?")
    expected_ms = (
        90_000  # q0: its quiz answer took ninety seconds
        + chars * selectors.READING_MS_PER_CHAR
        + selectors.CASE_BASE_MS  # q1
        + selectors.KEY_POINT_MS  # the key point
    )
    with CaptureQueriesContext(connection) as queries:
        counts = selectors.today(learner, MORNING + timedelta(minutes=5))
    assert len(queries) == 2  # the day's logs and one aggregate over the cards
    assert counts.to_go == 3 and counts.seconds == round(expected_ms / 1000)
    # A review's measured time replaces the quiz's.
    q0 = card_of(learner, "q0")
    review_record(
        user=learner,
        card_id=q0.pk,
        reps=1,
        choices=wrong_choice(q0),
        duration_ms=20_000,
        now=MORNING + timedelta(minutes=5),
    )
    later = selectors.today(learner, MORNING + timedelta(minutes=20))
    assert later.seconds == round((expected_ms - 90_000 + 20_000) / 1000)


# --- interleaving ---------------------------------------------------------------------


def test_no_two_cards_of_one_lesson_back_to_back_while_another_is_due(quiz, learner):
    other = LessonFactory(module=quiz.module)
    quiz.questions.filter(slug__in=["q3", "q4"]).update(lesson=other)
    # q0, q1 (first lesson) are due before q3, q4 (the other).
    answered(learner, quiz, {s: (False, SURE) for s in ("q0", "q1", "q3", "q4")})
    for n, slug in enumerate(("q0", "q1", "q3", "q4")):
        Card.objects.filter(question__slug=slug).update(due=MORNING + timedelta(seconds=n))
    now = MORNING + timedelta(minutes=5)
    served = serve_right(learner, now, 4)
    assert served == ["q0", "q3", "q1", "q4"]
    # The last review's lesson and the memory model's parameters (for the order by
    # recall) cost one query each, whatever the deck.
    assert queue_queries(learner, now + timedelta(days=30)) == 5


def test_after_a_case_the_source_the_learner_confuses_it_with_comes_next(quiz, learner):
    """The learner took the superior cluneal nerve for the sacroiliac joint before: after
    a case keyed to one of them, a due case keyed to the other is served before older due
    cards (the lesson rule still comes first: all are of one lesson here)."""
    keys = {
        "q0": "superior-cluneal",
        "q1": "facet-joints",
        "q2": "hip-joint",
        "q3": "sacroiliac-joint",
    }
    for slug, source in keys.items():
        Choice.objects.filter(question__quiz=quiz, question__slug=slug, is_correct=True).update(
            source=source
        )
    answered(learner, quiz, {s: (False, SURE) for s in keys})
    for n, slug in enumerate(keys):
        Card.objects.filter(question__slug=slug).update(due=MORNING + timedelta(seconds=n))
    q0 = card_of(learner, "q0")
    Confusion.objects.create(
        user=learner,
        question=q0.question,
        module=quiz.module,
        answer_source="sacroiliac-joint",
        chosen_source="superior-cluneal",
        at=MORNING,
        attempt=Attempt.objects.filter(user=learner).first(),
    )
    now = MORNING + timedelta(minutes=5)
    served = serve_right(learner, now, 4)
    # Oldest first would be q0, q1, q2, q3: the sacroiliac case moves up behind q0.
    assert served == ["q0", "q3", "q1", "q2"]
    assert queue_queries(learner, now + timedelta(days=30)) == 5


# --- confidence on review answers -------------------------------------------------------


def test_the_api_takes_a_confidence_and_refuses_a_rating_that_contradicts_it(
    api_client, quiz, learner
):
    answered(learner, quiz, {"q0": (False, SURE), "q1": (False, SURE)})
    api_client.force_authenticate(learner)
    q0, q1 = card_of(learner, "q0"), card_of(learner, "q1")
    with time_machine.travel(MORNING + timedelta(minutes=5), tick=False):
        guess = {"choices": right_choice(q0), "confidence": 1, "reps": 1}
        bad = api_client.post(f"/api/v1/reviews/{q0.pk}/", {**guess, "rating": 4}, format="json")
        assert bad.status_code == 400
        assert "given guessing is rated 2 (Hard), not 4" in bad.json()["detail"]
        ok = api_client.post(f"/api/v1/reviews/{q0.pk}/", {**guess, "rating": 2}, format="json")
        assert ok.status_code == 200 and ok.json()["rating"] == Rating.HARD
        wrong = {"choices": wrong_choice(q1), "confidence": 3, "reps": 1}
        missed = api_client.post(f"/api/v1/reviews/{q1.pk}/", wrong, format="json")
        assert missed.json()["rating"] == Rating.AGAIN and missed.json()["correct"] is False
    logs = ReviewLog.objects.filter(in_quiz=False).order_by("pk")
    assert list(logs.values_list("confidence", "question__slug")) == [(1, "q0"), (3, "q1")]


def test_the_session_page_asks_how_sure_and_explains_the_mapping(client, quiz, learner):
    answered(learner, quiz, {"q0": (False, SURE)})
    with time_machine.travel(MORNING + timedelta(minutes=5), tick=False):
        client.force_login(learner)  # a session of that day
        page = client.get("/review/").content.decode()
    assert (
        '<legend>How sure are you?<span class="shortcut-hint"> (keys 1–3)</span></legend>' in page
    )
    for value, label in Confidence.choices:
        assert f'name="confidence" value="{value}"> {label}</label>' in page
    assert "How cards are made" in page and "How your answer sets the next review" in page
    assert "<td>Right</td><td>Sure</td><td>Easy</td>" in page
    assert "<td>Wrong</td><td>Any</td><td>Again</td>" in page


# --- fixed query counts ------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_session_and_home_pages_have_fixed_query_counts(client, quiz, learner):
    answered(learner, quiz, {s: (False, SURE) for s in ("q0", "q1")})
    now = MORNING + timedelta(minutes=5)
    with time_machine.travel(now, tick=False):
        client.force_login(learner)  # a session of that day
        small = (_count(client, "/review/"), _count(client, "/"))
        more = QuizFactory(module=quiz.module)
        for i in range(25):
            question_with(more, slug=f"m{i}")
        answered(learner, more, {f"m{i}": (i % 2 == 0, SURE) for i in range(25)}, at=now)
        lesson = LessonFactory(module=quiz.module, key_points=[{"front": "F", "back": "B"}] * 4)
        cards_from_lesson(user=learner, lesson=lesson, now=now)
        large = (_count(client, "/review/"), _count(client, "/"))
    assert small == large, (small, large)
    assert large[0] <= 14
