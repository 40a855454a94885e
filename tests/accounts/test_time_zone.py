from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_pages_show_times_in_the_learners_own_time_zone(client):
    # 20:00 UTC on Sunday 10 January is 07:00 on Monday 11 January in Sydney.
    paused = datetime(2027, 1, 10, 20, 0, tzinfo=UTC)
    sydney = UserFactory(time_zone="Australia/Sydney", reminders_paused_until=paused)
    client.force_login(sydney)
    page = client.get("/review/settings/").content.decode()
    assert "paused until Monday 11 January, 07:00" in page
    london = UserFactory(time_zone="Europe/London", reminders_paused_until=paused)
    client.force_login(london)
    page = client.get("/review/settings/").content.decode()
    assert "paused until Sunday 10 January, 20:00" in page


@pytest.mark.parametrize("stored", ["Mars/Olympus", "Europe", "", "../etc/passwd"])
def test_a_bad_stored_zone_falls_back_to_utc_and_pages_still_open(client, api_client, stored):
    # Written before zones were validated on the model, or straight into the database.
    learner = UserFactory()
    User.objects.filter(pk=learner.pk).update(time_zone=stored)
    learner.refresh_from_db()
    assert learner.zone == ZoneInfo("UTC")
    client.force_login(learner)
    for url in ("/", "/review/", "/review/progress/", "/review/settings/", "/certificates/"):
        assert client.get(url).status_code == 200, url
    api_client.force_authenticate(learner)
    for url in ("/api/v1/reviews/due/", "/api/v1/reviews/stats/", "/api/v1/me/"):
        assert api_client.get(url).status_code == 200, url


def test_the_model_and_the_api_refuse_an_unknown_zone(client, api_client):
    learner = UserFactory(time_zone="Europe/London")
    learner.time_zone = "Mars/Olympus"
    with pytest.raises(ValidationError) as refused:
        learner.full_clean()
    assert "time_zone" in refused.value.message_dict
    api_client.force_authenticate(learner)
    response = api_client.patch("/api/v1/me/", {"time_zone": "Europe"}, format="json")
    assert response.status_code == 400
    assert "Not a time zone we know" in response.json()["time_zone"][0]
    learner.refresh_from_db()
    assert learner.time_zone == "Europe/London"
