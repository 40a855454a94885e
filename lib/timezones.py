"""Time zones: the one place a zone name (stored on a learner, or sent by a form or the
API) becomes a ZoneInfo. A name is valid when it is one of the zones the system knows;
anything else, wherever it came from, is a validation error on the way in and UTC on
the way out, never an exception in a page or a task."""

from datetime import date, datetime
from functools import cache
from typing import TypeGuard
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError

UTC = ZoneInfo("UTC")


@cache
def zone_names() -> frozenset[str]:
    """Every IANA zone name the system knows (read once per process: it lists files)."""
    return frozenset(available_timezones())


def zone_choices() -> list[tuple[str, str]]:
    """The known zones for a form's select, in name order, read as words
    ("America/New York")."""
    return [(name, name.replace("_", " ")) for name in sorted(zone_names())]


def valid_zone(name: object) -> TypeGuard[str]:
    # Membership rather than trying ZoneInfo(name): a name such as "Europe" (a folder),
    # "../x" or one with a NUL byte raises OSError or ValueError there, not only
    # ZoneInfoNotFoundError.
    return isinstance(name, str) and name in zone_names()


def zone_or_utc(name: object) -> ZoneInfo:
    """The zone of that name; UTC for a name that is not a known zone."""
    return ZoneInfo(name) if valid_zone(name) else UTC


def validate_time_zone(value: object) -> None:
    """A Django validator for fields (model, form, serializer) that take a zone name."""
    if not valid_zone(value):
        raise ValidationError(
            "Not a time zone we know: use an IANA name such as Europe/London.",
            code="invalid_time_zone",
        )


def local_date(moment: datetime, zone_name: str) -> date:
    """The date at `moment` in the zone of that name (UTC if it is not a known zone)."""
    return moment.astimezone(zone_or_utc(zone_name)).date()
