from datetime import UTC, datetime

import pytest

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
