"""The end of a review session: how many cards were reviewed today and how many
remembered, when the next ones fall due, and a way to the learner's progress."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from quizzes.services import attempt_submit
from reviews.models import Card
from reviews.services import review_record
from tests.factories import (
    EnrollmentFactory,
    LessonFactory,
    QuizFactory,
    UserFactory,
    question_with,
)

pytestmark = pytest.mark.django_db

MORNING = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)  # after the factories publish


@pytest.fixture
def quiz():
    quiz = QuizFactory()
    lesson = LessonFactory(module=quiz.module)
    for i in range(3):
        question_with(quiz, correct=(0,), lesson=lesson, slug=f"q{i}")
    return quiz


@pytest.fixture
def learner(client, quiz):
    user = UserFactory(time_zone="Europe/London")
    EnrollmentFactory(user=user, course=quiz.course)
    return user


def take(user, quiz):
    # Every question missed in the quiz: each card is due again in a minute. The quiz
    # answers schedule the cards but are not reviews of the day.
    answers = {q.pk: [q.choices.order_by("order")[1].pk] for q in quiz.questions.all()}
    attempt_submit(user=user, quiz=quiz, answers=answers)


def review(user, quiz, wrong=()):
    """Review every card a few minutes after the quiz: right, or wrong for `wrong`."""
    for card in Card.objects.filter(user=user).select_related("question"):
        first, second = card.question.choices.order_by("order")[:2]
        chosen = second if card.question.slug in wrong else first
        review_record(
            user=user,
            card_id=card.pk,
            reps=1,
            choices=[chosen.pk],
            now=MORNING + timedelta(minutes=5),
        )


def done_section(page: str) -> str:
    start = page.index('aria-labelledby="done-heading"')
    return page[start : page.index("</section>", start)]


def test_the_day_done_counts_what_was_remembered_and_says_what_is_next(client, quiz, learner):
    with time_machine.travel(MORNING, tick=False):
        client.force_login(learner)  # a session of that day
        take(learner, quiz)
        review(learner, quiz, wrong={"q1"})
        # Nothing is left today: the missed card comes back tomorrow morning, the others
        # in a few days.
        cards = Card.objects.filter(user=learner)
        cards.exclude(question__slug="q1").update(due=MORNING + timedelta(days=3))
        cards.filter(question__slug="q1").update(due=MORNING + timedelta(hours=23))
        page = client.get("/review/").content.decode()
    done = done_section(page)
    assert "Today's review done" in done and "Nothing more to review today" in done
    assert "<strong>3</strong> <span>answers today</span>" in done
    assert "<strong>2</strong> <span>remembered</span>" in done
    assert "The cards you forgot come back sooner, so that they stick." in done
    # 08:00 UTC is 08:00 in London in March: the missed card, alone that day.
    assert "Next: <strong>1 card</strong> due on" in done
    assert "Thursday 11 March</time>, the first at 08:00 (23\xa0hours from now)" in done
    assert '<a class="button" href="/review/progress/">See your progress</a>' in done


def test_everything_remembered_and_the_next_day_counted(client, quiz, learner):
    with time_machine.travel(MORNING, tick=False):
        client.force_login(learner)  # a session of that day
        take(learner, quiz)
        review(learner, quiz)
        tomorrow = MORNING + timedelta(days=1)
        cards = list(Card.objects.filter(user=learner).order_by("pk"))
        for n, card in enumerate(cards):  # two tomorrow, one the day after
            card.due = tomorrow + timedelta(hours=n) if n < 2 else tomorrow + timedelta(days=1)
            card.save(update_fields=["due"])
        page = client.get("/review/").content.decode()
    done = done_section(page)
    assert "You remembered every one." in done and "forgot" not in done
    assert "Next: <strong>2 cards</strong> due on" in done
    assert "Thursday 11 March</time>, the first at 09:00 (1\xa0day from now)" in done


def test_a_learner_with_nothing_yet_is_told_where_cards_come_from(client, learner):
    client.force_login(learner)
    page = client.get("/review/").content.decode()
    done = done_section(page)
    assert "Today's review done" not in done and "answers today" not in done
    assert "Take a quiz or finish a lesson" in done
    assert 'href="/review/progress/"' in done
