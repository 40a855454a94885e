"""Who gets a reminder when: the clock is moved across time zones, daylight saving,
quiet hours, weekdays, the weekly back-off and the catch-up."""

import smtplib
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from reminders import services, tasks
from reminders.models import Reminder
from reviews.models import Card, ReviewLog
from tests.factories import LessonFactory, UserFactory, reviewed_key_point_card

pytestmark = pytest.mark.django_db


def learner(tz="Europe/London", hour=18, **kwargs):
    user = UserFactory(time_zone=tz, reminder_hour=hour, **kwargs)
    lesson = LessonFactory(
        publish_at=datetime(2026, 1, 1, tzinfo=UTC),
        module__publish_at=datetime(2026, 1, 1, tzinfo=UTC),
        module__course__publish_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    reviewed_key_point_card(
        user,
        lesson,
        due=datetime(2026, 1, 1, tzinfo=UTC),
        last_review=datetime(2025, 12, 28, tzinfo=UTC),
    ).save()
    return user


def run(at: datetime) -> list[str]:
    """One run of the beat job at this moment; returns who got an email."""
    before = len(mail.outbox)
    with time_machine.travel(at, tick=False):
        tasks.send_due_reminders.delay()
    return [m.to[0] for m in mail.outbox[before:]]


def test_reminder_comes_at_the_local_hour_in_each_zone():
    london = learner("Europe/London", email="london@example.org")
    tokyo = learner("Asia/Tokyo", email="tokyo@example.org")
    new_york = learner("America/New_York", email="ny@example.org")
    # 09:00 UTC on a Wednesday in March (before the US and UK clocks change):
    # London 09:00, Tokyo 18:00, New York 04:00.
    assert run(datetime(2026, 3, 4, 9, 0, tzinfo=UTC)) == [tokyo.email]
    # 18:05 UTC: London 18:05; Tokyo already had today's; New York 13:05, too early.
    assert run(datetime(2026, 3, 4, 18, 5, tzinfo=UTC)) == [london.email]
    # 23:00 UTC: New York 18:00.
    assert run(datetime(2026, 3, 4, 23, 0, tzinfo=UTC)) == [new_york.email]
    assert Reminder.objects.count() == 3


def test_at_most_one_a_local_day_whatever_runs_twice():
    user = learner()
    at = datetime(2026, 3, 4, 18, 0, tzinfo=UTC)
    assert run(at) == [user.email]
    assert run(at + timedelta(minutes=5)) == []
    # A duplicated or retried batch finds the row sent and sends nothing.
    reminder = Reminder.objects.get()
    with time_machine.travel(at + timedelta(minutes=6), tick=False):
        tasks.send_reminder_batch.delay([reminder.pk])
    assert len(mail.outbox) == 1
    assert run(datetime(2026, 3, 5, 18, 0, tzinfo=UTC)) == [user.email]  # the next day


def test_daylight_saving_moves_the_utc_time_not_the_local_hour():
    user = learner("Europe/London", hour=9)
    # Sunday 29 March 2026 the UK goes to BST: 09:00 local is 08:00 UTC.
    assert run(datetime(2026, 3, 28, 9, 0, tzinfo=UTC)) == [user.email]  # GMT
    assert run(datetime(2026, 3, 29, 7, 59, tzinfo=UTC)) == []  # 08:59 BST
    assert run(datetime(2026, 3, 29, 8, 0, tzinfo=UTC)) == [user.email]  # 09:00 BST


def test_never_in_quiet_hours_and_caught_up_later_the_same_day():
    user = learner("Europe/London", hour=7)
    assert run(datetime(2026, 3, 4, 6, 55, tzinfo=UTC)) == []  # 06:55, quiet
    # Beat was down all morning: the 13:00 run still owes today's reminder.
    assert run(datetime(2026, 3, 4, 13, 0, tzinfo=UTC)) == [user.email]
    late = learner("Europe/London", hour=21, email="late@example.org")
    assert run(datetime(2026, 3, 4, 22, 30, tzinfo=UTC)) == []  # the day's window is over
    assert sorted(run(datetime(2026, 3, 5, 21, 0, tzinfo=UTC))) == [late.email, user.email]


def test_a_claim_left_by_a_dead_worker_is_sent_by_the_next_run():
    user = learner()
    at = datetime(2026, 3, 4, 18, 0, tzinfo=UTC)
    with time_machine.travel(at, tick=False):
        batches = services.reminders_claim(now=at)  # claimed, then the worker died
        Reminder.objects.filter(pk__in=batches[0]).update(
            lease_until=at + services.lease(), lease_token=uuid.uuid4()
        )
    assert run(at + services.lease() / 2) == []  # the lease still holds
    # Taken over within the lease and one beat interval: well inside the learner's day.
    assert run(at + services.lease() + timedelta(minutes=1)) == [user.email]
    assert Reminder.objects.get().status == "sent"


def test_a_reminder_a_worker_died_sending_is_recorded_not_sent_again():
    learner()
    at = datetime(2026, 3, 4, 18, 0, tzinfo=UTC)
    with time_machine.travel(at, tick=False):
        batches = services.reminders_claim(now=at)
        # The worker marked it "sending", began the SMTP exchange, and was killed.
        Reminder.objects.filter(pk__in=batches[0]).update(
            lease_until=at + services.lease(), lease_token=uuid.uuid4(), sending_since=at
        )
    assert run(at + services.lease() + timedelta(minutes=1)) == []
    reminder = Reminder.objects.get()
    assert reminder.status == "interrupted" and "not sent again" in reminder.last_error
    # Its own task, retried or duplicated, does not send it either.
    with time_machine.travel(at + timedelta(minutes=10), tick=False):
        tasks.send_reminder_batch.delay([reminder.pk])
    assert mail.outbox == []
    assert run(datetime(2026, 3, 5, 18, 0, tzinfo=UTC)) == [reminder.user.email]  # next day


def test_a_claim_that_outlives_its_day_is_recorded_not_sent_at_night():
    learner()
    at = datetime(2026, 3, 4, 21, 50, tzinfo=UTC)
    with time_machine.travel(at, tick=False):
        services.reminders_claim(now=at)
    assert run(datetime(2026, 3, 4, 23, 0, tzinfo=UTC)) == []
    reminder = Reminder.objects.get()
    assert reminder.status == "failed" and "allowed hours ended" in reminder.last_error


def test_no_reviews_due_no_email_and_weekdays_respected():
    user = learner(reminder_weekdays=0b0000100)  # Wednesdays only
    assert run(datetime(2026, 3, 3, 18, 0, tzinfo=UTC)) == []  # Tuesday
    assert run(datetime(2026, 3, 4, 18, 0, tzinfo=UTC)) == [user.email]
    Card.objects.filter(user=user).update(due=datetime(2026, 4, 1, tzinfo=UTC))
    assert run(datetime(2026, 3, 11, 18, 0, tzinfo=UTC)) == []


def test_off_paused_bounced_get_nothing():
    learner(email="off@example.org", reminders_enabled=False)
    learner(email="bounced@example.org", email_bounced_at=datetime(2026, 1, 2, tzinfo=UTC))
    learner(email="paused@example.org", reminders_paused_until=datetime(2026, 3, 10, tzinfo=UTC))
    assert run(datetime(2026, 3, 4, 18, 0, tzinfo=UTC)) == []
    assert run(datetime(2026, 3, 10, 18, 0, tzinfo=UTC)) == ["paused@example.org"]


def test_three_unanswered_then_weekly_until_they_return():
    user = learner()
    days = [datetime(2026, 3, d, 18, 0, tzinfo=UTC) for d in range(2, 20)]
    got = [d.day for d in days if run(d)]
    assert got[:3] == [2, 3, 4]  # three in a row, no review done
    assert got[3:] == [11, 18]  # then weekly
    # They come back and review: daily again.
    ReviewLog.objects.create(
        card=Card.objects.get(user=user),
        user=user,
        module=Card.objects.get(user=user).module,
        rating=3,
        reviewed_at=datetime(2026, 3, 19, 9, 0, tzinfo=UTC),
        state_before=2,
        state_after=2,
        due_before=days[0],
        due_after=days[0],
    )
    assert run(datetime(2026, 3, 19, 18, 0, tzinfo=UTC)) == [user.email]
    assert run(datetime(2026, 3, 20, 18, 0, tzinfo=UTC)) == [user.email]


def test_email_has_both_parts_links_and_one_click_headers(settings):
    settings.SITE_URL = "https://learn.example.org"
    learner(name="Ada")
    run(datetime(2026, 3, 4, 18, 0, tzinfo=UTC))
    message = mail.outbox[0]
    assert message.subject == "1 review due today"
    assert "about 1 minute" in message.body and "https://learn.example.org/review/" in message.body
    html = message.alternatives[0][0]
    assert "Start your review" in html and "https://learn.example.org/review/settings/" in html
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://learn.example.org/reminders/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_one_click_unsubscribe_needs_no_login_and_get_changes_nothing(client):
    user = learner()
    path = "/reminders/unsubscribe/" + services.unsubscribe_token(user) + "/"
    assert "Stop review reminders" in client.get(path).content.decode()
    user.refresh_from_db()
    assert user.reminders_enabled
    response = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert not user.reminders_enabled
    assert client.post("/reminders/unsubscribe/tampered/").status_code == 400


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        self.exc = kwargs.pop("exc", None)

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (550, b"No such user")})


def test_a_refused_address_is_recorded_and_gets_nothing_more(settings):
    user = learner()
    settings.EMAIL_BACKEND = "tests.reminders.test_reminders.RefusingBackend"
    assert run(datetime(2026, 3, 4, 18, 0, tzinfo=UTC)) == []
    reminder = Reminder.objects.get()
    assert reminder.status == "failed" and "refused" in reminder.last_error
    user.refresh_from_db()
    assert user.email_bounced_at is not None


class GreylistingBackend(RefusingBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (450, b"Greylisted")})


def test_a_greylisted_address_is_tried_again_not_marked_bounced(settings):
    user = learner()
    settings.EMAIL_BACKEND = "tests.reminders.test_reminders.GreylistingBackend"
    at = datetime(2026, 3, 4, 18, 0, tzinfo=UTC)
    with time_machine.travel(at, tick=False):
        ids = services.reminders_claim(now=at)[0]
        report = services.reminders_send(ids=ids, now=at)
    assert (report.sent, report.failed, report.deferred) == (0, 0, 1)
    reminder = Reminder.objects.get()
    assert reminder.status == "pending" and "Greylisted" in reminder.last_error
    user.refresh_from_db()
    assert user.email_bounced_at is None
    # The server takes it on a later run the same evening.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert run(at + services.lease() + timedelta(minutes=1)) == [user.email]


class DownBackend(RefusingBackend):
    def open(self):
        raise ConnectionRefusedError("mail server down")


def test_mail_server_down_releases_the_rows_for_the_retry(settings):
    learner()
    settings.EMAIL_BACKEND = "tests.reminders.test_reminders.DownBackend"
    at = datetime(2026, 3, 4, 18, 0, tzinfo=UTC)
    with time_machine.travel(at, tick=False):
        ids = services.reminders_claim(now=at)[0]
        with pytest.raises(services.TemporaryMailFailure):
            services.reminders_send(ids=ids, now=at)
    reminder = Reminder.objects.get()
    assert reminder.status == "pending" and reminder.lease_until is None
    assert "mail server down" in reminder.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The batch task's own retry would send it within minutes; failing that, the next
    # run after the lease period hands it out again.
    with time_machine.travel(at + timedelta(minutes=1), tick=False):
        tasks.send_reminder_batch.delay(ids)
    assert [m.to[0] for m in mail.outbox] == [reminder.user.email]
    assert run(at + services.lease() + timedelta(minutes=1)) == []


def test_selection_is_set_based(django_assert_max_num_queries):
    for i in range(30):
        learner(["Europe/London", "Asia/Tokyo", "America/New_York"][i % 3], hour=7)
    at = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # London 15:00, NY 10:00, Tokyo 00:00
    with time_machine.travel(at, tick=False), django_assert_max_num_queries(6):
        batches = services.reminders_claim(now=at, batch=500)
    assert sum(len(b) for b in batches) == 20
    # Per message, the protocol's two UPDATEs: the claim that checks our lease token just
    # before sending, and the mark that only the lease holder can make. The rest of the
    # batch (lease, read with the learners, the back-off counts) is a fixed few.
    with time_machine.travel(at, tick=False), django_assert_max_num_queries(5 + 2 * 20):
        report = services.reminders_send(ids=batches[0], now=at)
    assert report.sent == 20
