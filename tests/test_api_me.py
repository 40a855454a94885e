"""PATCH /api/v1/me/ answers 400 with a message per field to any value of the wrong type
or out of bounds, and changes nothing; never 500."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FIELDS = (
    "name",
    "role",
    "profession",
    "registration_number",
    "certificate_name",
    "desired_retention",
    "new_cards_per_day",
    "time_zone",
    "reminders_enabled",
    "reminder_hour",
    "weekdays",
    "reminder_mode",
    "max_reviews_per_day",
    "light_days",
)
CONFUSED = [5, True, 1.5, -1, 10**30, None, {"a": 1}, [[1]], "x" * 300]


@pytest.fixture
def me(api_client):
    user = UserFactory(time_zone="Europe/London")
    api_client.force_authenticate(user)
    return user


@pytest.mark.parametrize("value", CONFUSED, ids=repr)
def test_a_value_of_the_wrong_type_is_400_for_that_field(api_client, me, value):
    for field in FIELDS:
        response = api_client.patch("/api/v1/me/", {field: value}, format="json")
        if response.status_code == 200:
            # The only values here that are good for their field.
            assert (field, value) in {
                ("reminders_enabled", True),
                ("light_days", True),
                ("new_cards_per_day", 5),
            }
            continue
        assert response.status_code == 400, (field, value, response.content)
        assert field in response.json(), (field, value, response.json())
    me.refresh_from_db()
    assert me.time_zone == "Europe/London" and me.name != str(value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("desired_retention", "0.79"),
        ("desired_retention", "0.98"),
        ("reminder_hour", 6),
        ("reminder_hour", 22),
        ("new_cards_per_day", 201),
        ("max_reviews_per_day", 9),
        ("max_reviews_per_day", 2001),
        ("reminder_mode", "sometimes"),
        ("reminder_mode", ""),
        ("weekdays", [7]),
        ("weekdays", 5),
        ("weekdays", [0, 1, 2, 3, 4, 5, 6, 0]),
        ("name", "n" * 151),
        ("time_zone", "Europe/" + "x" * 100),
        ("name", "nul\x00byte"),
    ],
)
def test_bounds_are_the_pages_bounds(api_client, me, field, value):
    before = api_client.get("/api/v1/me/").json()
    response = api_client.patch("/api/v1/me/", {field: value}, format="json")
    assert response.status_code == 400 and field in response.json()
    assert api_client.get("/api/v1/me/").json() == before


def test_a_body_that_is_not_an_object_is_400(api_client, me):
    for body in ("[1, 2]", "5", "true", '"text"', "null"):
        response = api_client.patch("/api/v1/me/", body, content_type="application/json")
        assert response.status_code == 400, body
        assert "JSON object" in response.json()["detail"]


def test_a_body_that_is_not_json_is_refused(api_client, me):
    response = api_client.patch(
        "/api/v1/me/", "name=x", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415


def test_good_values_at_the_bounds_are_kept(api_client, me):
    response = api_client.patch(
        "/api/v1/me/",
        {"desired_retention": "0.97", "reminder_hour": 21, "new_cards_per_day": 0, "weekdays": [6]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    me.refresh_from_db()
    assert (me.reminder_hour, me.new_cards_per_day, me.reminder_days) == (21, 0, [6])


def test_type_errors_and_the_forms_rules_come_back_together(api_client, me):
    response = api_client.patch(
        "/api/v1/me/", {"reminder_hour": "soon", "time_zone": "Mars/Olympus"}, format="json"
    )
    assert response.status_code == 400
    assert {"reminder_hour", "time_zone"} <= set(response.json())


def test_reminder_mode_review_limit_and_light_days_round_trip(api_client, me):
    assert (
        api_client.get("/api/v1/me/").json()
        | {
            "reminder_mode": "clock",
            "max_reviews_per_day": 200,
            "light_days": False,
        }
        == api_client.get("/api/v1/me/").json()
    )
    changes = {"reminder_mode": "recall", "max_reviews_per_day": 2000, "light_days": True}
    response = api_client.patch("/api/v1/me/", changes, format="json")
    assert response.status_code == 200, response.json()
    assert api_client.get("/api/v1/me/").json().items() >= changes.items()
    me.refresh_from_db()
    assert (me.reminder_mode, me.max_reviews_per_day, me.light_days) == ("recall", 2000, True)
    # Each one alone leaves the others as they are.
    api_client.patch("/api/v1/me/", {"max_reviews_per_day": 10}, format="json")
    me.refresh_from_db()
    assert (me.reminder_mode, me.max_reviews_per_day, me.light_days) == ("recall", 10, True)


def test_a_bad_reminder_mode_or_limit_says_what_is_allowed(api_client, me):
    response = api_client.patch(
        "/api/v1/me/", {"reminder_mode": "hourly", "max_reviews_per_day": 5000}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert "not a valid choice" in body["reminder_mode"][0]
    assert "2000" in body["max_reviews_per_day"][0]
