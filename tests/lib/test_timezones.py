from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from lib.timezones import local_date, valid_zone, validate_time_zone, zone_or_utc

# A folder of zones, a path out of the zone folder, a NUL byte, the wrong case, too long,
# not text: each made ZoneInfo() raise something different.
BAD = ["Mars/Olympus", "Europe", "../etc/passwd", "/etc/passwd", "a\x00b", "utc", "", None, 5]
BAD.append("Europe/" + "x" * 300)


@pytest.mark.parametrize("name", BAD)
def test_a_bad_name_is_invalid_and_reads_as_utc(name):
    assert not valid_zone(name)
    assert zone_or_utc(name) == ZoneInfo("UTC")
    with pytest.raises(ValidationError, match="Europe/London"):
        validate_time_zone(name)


@pytest.mark.parametrize("name", ["Europe/London", "Pacific/Auckland", "UTC"])
def test_a_known_name_is_its_zone(name):
    assert valid_zone(name) and zone_or_utc(name) == ZoneInfo(name)
    validate_time_zone(name)


def test_local_date_is_the_date_in_that_zone():
    moment = datetime(2027, 3, 1, 12, 30, tzinfo=UTC)  # 01:30 on 2 March in Auckland
    assert local_date(moment, "Pacific/Auckland") == date(2027, 3, 2)
    assert local_date(moment, "America/Los_Angeles") == date(2027, 3, 1)
    assert local_date(datetime(2027, 3, 1, 23, 30, tzinfo=UTC), "Mars/Olympus") == date(2027, 3, 1)
