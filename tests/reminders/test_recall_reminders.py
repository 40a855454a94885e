"""Reminders by recall: a learner who chooses them hears from us only once a card they
have learned has faded to their desired retention (its due has passed), still at their
own hour, outside quiet hours, on their days and at most once a local day. The clock is
moved across Sydney and Los Angeles."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from accounts.models import User
from quizzes.sources import source_name
from reminders import services, tasks
from reminders.models import Reminder
from reviews.models import Card, State
from tests.factories import (
    ChoiceFactory,
    LessonFactory,
    QuestionFactory,
    QuizFactory,
    UserFactory,
    reviewed_key_point_card,
)

pytestmark = pytest.mark.django_db

LIVE = datetime(2026, 1, 1, tzinfo=UTC)
LONG_AGO = datetime(2025, 12, 1, tzinfo=UTC)
FAR = datetime(2027, 1, 1, tzinfo=UTC)
RECALL, CLOCK = User.ReminderMode.RECALL, User.ReminderMode.CLOCK


def live_lesson(module_title: str = "The gluteal nerves"):
    return LessonFactory(
        publish_at=LIVE,
        module__publish_at=LIVE,
        module__title=module_title,
        module__course__publish_at=LIVE,
    )


def learner(tz: str, *, hour: int = 8, mode: str = RECALL, **kwargs) -> User:
    return UserFactory(time_zone=tz, reminder_hour=hour, reminder_mode=mode, **kwargs)


def card(user: User, lesson, *, due: datetime, index: int = 0, **fields) -> Card:
    made = reviewed_key_point_card(user, lesson, due=due, last_review=due - timedelta(days=3))
    made.key_index = index
    for name, value in fields.items():
        setattr(made, name, value)
    made.save()
    return made


def case_card(user: User, lesson, *, due: datetime, source: str) -> Card:
    """A case from the module's quiz whose correct option stands for `source`."""
    question = QuestionFactory(quiz=QuizFactory(module=lesson.module))
    ChoiceFactory(question=question, is_correct=True, source=source)
    ChoiceFactory(question=question, is_correct=False, source="piriformis")
    return Card.objects.create(
        user=user,
        kind=Card.Kind.QUESTION,
        question=question,
        course_id=lesson.course_id,
        module_id=lesson.module_id,
        is_new=False,
        state=State.REVIEW,
        stability=3.0,
        difficulty=5.0,
        due=due,
        last_review=due - timedelta(days=3),
    )


def run(at: datetime) -> list[str]:
    """One run of the beat job at this moment; returns who got an email."""
    before = len(mail.outbox)
    with time_machine.travel(at, tick=False):
        tasks.send_due_reminders.delay()
    return sorted(m.to[0] for m in mail.outbox[before:])


def test_each_learner_is_reminded_when_their_own_card_fades_in_their_own_zone():
    lesson = live_lesson()
    # Wednesday 4 March 2026: Sydney is UTC+11, Los Angeles UTC-8.
    sydney = learner("Australia/Sydney", email="sydney@example.org")
    card(sydney, lesson, due=datetime(2026, 3, 4, 0, 0, tzinfo=UTC))  # 11:00 Wed in Sydney
    la = learner("America/Los_Angeles", email="la@example.org")
    card(la, lesson, due=datetime(2026, 3, 4, 20, 0, tzinfo=UTC))  # 12:00 Wed in LA
    # Sydney 10:00 Wed, LA 15:00 Tue: both past their hour, neither card has faded yet.
    assert run(datetime(2026, 3, 3, 23, 0, tzinfo=UTC)) == []
    # Sydney 11:05: theirs has. LA 16:05 Tue: not theirs.
    assert run(datetime(2026, 3, 4, 0, 5, tzinfo=UTC)) == [sydney.email]
    # LA 11:55: five minutes early. Sydney 06:55 Thu: quiet hours (and one sent for Wed).
    assert run(datetime(2026, 3, 4, 19, 55, tzinfo=UTC)) == []
    # LA 12:00: now. Sydney 07:00 Thu: still before their hour (08:00).
    assert run(datetime(2026, 3, 4, 20, 0, tzinfo=UTC)) == [la.email]
    # Sydney 08:00 Thu: a new local day, the card still faded: the next one.
    assert run(datetime(2026, 3, 4, 21, 0, tzinfo=UTC)) == [sydney.email]
    assert sorted(Reminder.objects.values_list("user__email", "local_date")) == [
        ("la@example.org", datetime(2026, 3, 4).date()),
        ("sydney@example.org", datetime(2026, 3, 4).date()),
        ("sydney@example.org", datetime(2026, 3, 5).date()),
    ]


def test_one_recall_reminder_a_local_day_however_many_cards_fade_or_runs_come():
    lesson = live_lesson()
    user = learner("Australia/Sydney")
    card(user, lesson, due=datetime(2026, 3, 3, 22, 0, tzinfo=UTC), index=0)  # 09:00 Wed
    card(user, lesson, due=datetime(2026, 3, 4, 2, 0, tzinfo=UTC), index=1)  # 13:00 Wed
    assert run(datetime(2026, 3, 3, 22, 0, tzinfo=UTC)) == [user.email]
    assert run(datetime(2026, 3, 3, 22, 5, tzinfo=UTC)) == []  # the same run again
    assert run(datetime(2026, 3, 4, 2, 0, tzinfo=UTC)) == []  # a second card faded
    assert Reminder.objects.count() == 1
    assert run(datetime(2026, 3, 4, 21, 0, tzinfo=UTC)) == [user.email]  # Thu 08:00
    assert Reminder.objects.count() == 2


def test_a_card_fading_at_23_00_waits_for_the_learners_hour_next_morning():
    lesson = live_lesson()
    user = learner("America/Los_Angeles", hour=8)
    card(user, lesson, due=datetime(2026, 3, 5, 7, 0, tzinfo=UTC))  # 23:00 Wed in LA
    assert run(datetime(2026, 3, 5, 7, 5, tzinfo=UTC)) == []  # 23:05: quiet hours
    assert run(datetime(2026, 3, 5, 14, 0, tzinfo=UTC)) == []  # 06:00: still quiet
    assert run(datetime(2026, 3, 5, 15, 30, tzinfo=UTC)) == []  # 07:30: before their hour
    assert run(datetime(2026, 3, 5, 16, 0, tzinfo=UTC)) == [user.email]  # 08:00 Thu
    assert Reminder.objects.get().local_date == datetime(2026, 3, 5).date()


def test_recall_reminders_keep_the_learners_weekdays():
    lesson = live_lesson()
    user = learner("America/Los_Angeles", reminder_weekdays=0b0010000)  # Fridays only
    card(user, lesson, due=datetime(2026, 3, 4, 17, 0, tzinfo=UTC))  # 09:00 Wed in LA
    assert run(datetime(2026, 3, 4, 18, 0, tzinfo=UTC)) == []  # Wednesday
    assert run(datetime(2026, 3, 5, 18, 0, tzinfo=UTC)) == []  # Thursday
    assert run(datetime(2026, 3, 6, 18, 0, tzinfo=UTC)) == [user.email]  # Friday


@pytest.mark.parametrize("mode", [RECALL, CLOCK])
def test_buried_cards_never_trigger_a_reminder(mode):
    lesson = live_lesson()
    user = learner("America/Los_Angeles", mode=mode)
    # Buried after a sibling was reviewed: out of the queue until Thursday 00:00 in LA.
    card(
        user,
        lesson,
        due=datetime(2026, 3, 4, 17, 0, tzinfo=UTC),
        buried_until=datetime(2026, 3, 5, 8, 0, tzinfo=UTC),
    )
    assert run(datetime(2026, 3, 4, 18, 0, tzinfo=UTC)) == []
    assert run(datetime(2026, 3, 5, 18, 0, tzinfo=UTC)) == [user.email]  # back in the queue


def test_a_card_in_its_learning_steps_reminds_on_the_clock_not_by_recall():
    lesson = live_lesson()
    clock = learner("America/Los_Angeles", mode=CLOCK, email="clock@example.org")
    recall = learner("America/Los_Angeles", email="recall@example.org")
    due = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)
    for user in (clock, recall):
        card(user, lesson, due=due, state=State.RELEARNING)
    assert run(datetime(2026, 3, 4, 18, 0, tzinfo=UTC)) == [clock.email]
    # Once a learned card has faded, the recall learner hears too.
    card(recall, lesson, due=due, index=1)
    assert run(datetime(2026, 3, 4, 18, 5, tzinfo=UTC)) == [recall.email]


def test_the_email_names_what_is_fading_and_the_desired_retention(settings):
    settings.SITE_URL = "https://learn.example.org"
    nerves = live_lesson("The gluteal nerves")
    other = live_lesson("The hip joint")
    user = learner("America/Los_Angeles", desired_retention=Decimal("0.85"), name="Ada")
    faded = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)
    for i in range(3):
        card(user, nerves, due=faded, index=i)
    card(user, nerves, due=faded, index=3, buried_until=FAR)  # buried: not counted
    card(user, nerves, due=FAR, index=4)  # not faded yet
    card(user, other, due=faded)
    case_card(user, other, due=faded, source="superior-cluneal")
    case_card(user, nerves, due=faded, source="superior-cluneal")
    assert run(datetime(2026, 3, 4, 18, 0, tzinfo=UTC)) == [user.email]
    message = mail.outbox[0]
    assert message.subject == "6 cards below 85% now: time for a review"
    cluneal = source_name("superior-cluneal")
    html = message.alternatives[0][0]
    assert "- 3 cards on The gluteal nerves are below 85% now" in message.body
    assert "<strong>3 cards on The gluteal nerves</strong> are below 85% now" in html
    for part in (message.body, html):
        assert "the retention you chose" in part
        assert f"2 cards on {cluneal}" in part  # the cases, by their source of pain
        assert "1 card on The hip joint" in part
        assert "https://learn.example.org/review/" in part
        assert "https://learn.example.org/reminders/unsubscribe/" in part
    assert Reminder.objects.get().due_count == 6


def test_a_recall_reminder_whose_cards_were_reviewed_meanwhile_is_not_sent():
    lesson = live_lesson()
    user = learner("America/Los_Angeles")
    faded = card(user, lesson, due=datetime(2026, 3, 4, 17, 0, tzinfo=UTC))
    at = datetime(2026, 3, 4, 18, 0, tzinfo=UTC)
    with time_machine.travel(at, tick=False):
        ids = services.reminders_claim(now=at)[0]
        Card.objects.filter(pk=faded.pk).update(due=FAR)  # reviewed before the worker ran
        services.reminders_send(ids=ids, now=at)
    assert mail.outbox == []
    assert "Nothing was fading" in Reminder.objects.get().last_error


def test_the_clock_email_counts_the_queue_without_buried_cards_up_to_the_daily_limit():
    lesson = live_lesson()
    user = learner("America/Los_Angeles", mode=CLOCK)
    due = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)
    for i in range(3):
        card(user, lesson, due=due, index=i)
    card(user, lesson, due=due, index=3, buried_until=FAR)
    card(user, lesson, due=due, index=4, suspended=True)
    assert run(datetime(2026, 3, 4, 18, 0, tzinfo=UTC)) == [user.email]
    assert mail.outbox[0].subject == "3 reviews due today"
    capped = learner("Australia/Sydney", mode=CLOCK, max_reviews_per_day=10)
    for i in range(12):
        card(capped, lesson, due=due, index=i)
    assert run(datetime(2026, 3, 4, 21, 0, tzinfo=UTC)) == [capped.email]  # 08:00 Thu
    assert mail.outbox[1].subject == "10 reviews due today"


def test_recall_selection_and_sending_are_set_based(django_assert_max_num_queries):
    lesson = live_lesson()
    due = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)
    for i in range(20):
        user = learner("America/Los_Angeles", mode=[RECALL, CLOCK][i % 2])
        card(user, lesson, due=due)
        case_card(user, lesson, due=due, source="superior-cluneal")
    at = datetime(2026, 3, 4, 18, 0, tzinfo=UTC)
    with time_machine.travel(at, tick=False), django_assert_max_num_queries(6):
        batches = services.reminders_claim(now=at, batch=500)
    assert sum(len(b) for b in batches) == 20
    # What is fading is read once for the batch; then the protocol's two UPDATEs each.
    with time_machine.travel(at, tick=False), django_assert_max_num_queries(6 + 2 * 20):
        report = services.reminders_send(ids=batches[0], now=at)
    assert report.sent == 20
    recall = [m for m in mail.outbox if "below 90% now" in m.subject]
    assert len(recall) == 10 and all("2 cards below" in m.subject for m in recall)
