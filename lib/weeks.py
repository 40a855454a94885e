"""ISO weeks (Monday to Sunday, UTC) for the editors' weekly figures: the one place that
says which weeks "the last 12 weeks" are, so that every section counts the same ones."""

from datetime import UTC, date, datetime, time, timedelta

from django.db.models import DateTimeField
from django.db.models.functions import TruncWeek


def week_starts(*, now: datetime, weeks: int) -> list[date]:
    """The Mondays of the last `weeks` ISO weeks in UTC, oldest first, the current
    (unfinished) week last."""
    today = now.astimezone(UTC).date()
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def window_start(starts: list[date]) -> datetime:
    """The first moment of the oldest week (midnight UTC on its Monday)."""
    return datetime.combine(starts[0], time.min, tzinfo=UTC)


def week_of(field: str) -> TruncWeek:
    """The Monday (UTC) of the week a datetime column falls in, for grouping in SQL on
    PostgreSQL and SQLite alike."""
    return TruncWeek(field, output_field=DateTimeField(), tzinfo=UTC)


def as_week(value: datetime | date) -> date:
    """A truncated week as the database hands it back (a datetime) as its Monday."""
    return value.astimezone(UTC).date() if isinstance(value, datetime) else value


def iso_label(monday: date) -> str:
    """ "2026-W48": the ISO week, as a spreadsheet and a reader both understand it."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"
