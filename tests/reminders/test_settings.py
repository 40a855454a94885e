import re

import pytest

from tests.factories import CourseFactory, UserFactory

pytestmark = pytest.mark.django_db

BASE = {
    "desired_retention": "0.9",
    "new_cards_per_day": "20",
    "time_zone": "Asia/Tokyo",
    "reminders_enabled": "on",
    "reminder_hour": "8",
    "weekdays": ["0", "6"],
    "reminder_mode": "clock",
    "max_reviews_per_day": "200",
}


@pytest.fixture
def user(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_reminder_hour_days_and_zone_are_saved(client, user):
    response = client.post("/review/settings/", BASE)
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.reminder_hour, user.reminder_weekdays, user.time_zone) == (
        8,
        0b1000001,
        "Asia/Tokyo",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"time_zone": "Atlantis/Lost"}, "Select a valid choice"),
        ({"reminder_hour": "23"}, "Select a valid choice"),
        ({"weekdays": []}, "Choose at least one day, or turn reminders off."),
    ],
)
def test_bad_reminder_settings_are_form_errors(client, user, change, message):
    response = client.post("/review/settings/", {**BASE, **change})
    assert response.status_code == 200 and message in response.content.decode()


def test_turning_reminders_off_needs_no_days(client, user):
    data = {k: v for k, v in BASE.items() if k != "reminders_enabled"} | {"weekdays": []}
    assert client.post("/review/settings/", data).status_code == 302
    user.refresh_from_db()
    assert not user.reminders_enabled


def test_pause_for_a_week(client, user):
    page = client.post("/review/settings/pause/", follow=True).content.decode()
    assert "Reminders are paused until" in page
    user.refresh_from_db()
    assert user.reminders_paused_until is not None


def test_enrolment_asks_about_reminders(client, user):
    course = CourseFactory(slug="c")
    page = client.get("/courses/c/").content.decode()
    assert "Email me on days when reviews are due" in page
    client.post("/courses/c/enrol/", {"reminders_asked": "1"})  # box left unticked
    user.refresh_from_db()
    assert not user.reminders_enabled and course.enrollments.filter(user=user).exists()


def test_reminder_mode_review_limit_and_light_days_are_saved(client, user):
    page = client.get("/review/settings/").content.decode()
    assert "At my hour, on days I have reviews due." in page
    assert "Only when a card I have learned fades below my desired retention" in page
    assert "Most reviews a day" in page and "Keep my days without reminders light" in page
    data = {**BASE, "reminder_mode": "recall", "max_reviews_per_day": "50", "light_days": "on"}
    assert client.post("/review/settings/", data).status_code == 302
    user.refresh_from_db()
    assert (user.reminder_mode, user.max_reviews_per_day, user.light_days) == ("recall", 50, True)
    page = client.get("/review/settings/").content.decode()
    assert re.search(r'<input type="radio" name="reminder_mode" value="recall"[^>]* checked', page)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"reminder_mode": "hourly"}, "Choose when reminders come"),
        ({"max_reviews_per_day": "5"}, "Choose at least 10 reviews a day."),
        ({"max_reviews_per_day": "2001"}, "Choose at most 2000 reviews a day."),
        ({"max_reviews_per_day": ""}, "Enter the most reviews a day, from 10 to 2000."),
    ],
)
def test_bad_mode_or_limit_is_a_form_error_and_nothing_changes(client, user, change, message):
    response = client.post("/review/settings/", {**BASE, "light_days": "on", **change})
    assert response.status_code == 200 and message in response.content.decode()
    user.refresh_from_db()
    assert (user.reminder_mode, user.max_reviews_per_day, user.light_days) == ("clock", 200, False)
