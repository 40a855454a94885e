"""The fixed-window counter behind the public forms' throttles."""

from datetime import UTC, datetime, timedelta

import pytest

from lib.limits import allow

pytestmark = pytest.mark.django_db

START = datetime(2027, 1, 4, 9, 0, 0, tzinfo=UTC)  # on a minute's boundary


def test_the_limit_holds_within_a_window_and_lifts_with_the_next():
    at = [START + timedelta(seconds=s) for s in range(0, 40)]
    answers = [allow("verify", "1.2.3.4", limit=30, per_seconds=60, now=t) for t in at]
    assert answers == [True] * 30 + [False] * 10
    # Someone else is counted apart.
    assert allow("verify", "5.6.7.8", limit=30, per_seconds=60, now=at[-1])


def test_asking_on_and_on_does_not_keep_the_limit_on():
    # Refused near the end of one window, a client that keeps asking every second is
    # allowed again as soon as the next window starts.
    for second in range(0, 60):
        allow("verify", "1.2.3.4", limit=5, per_seconds=60, now=START + timedelta(seconds=second))
    assert not allow(
        "verify", "1.2.3.4", limit=5, per_seconds=60, now=START + timedelta(seconds=59)
    )
    assert allow("verify", "1.2.3.4", limit=5, per_seconds=60, now=START + timedelta(seconds=60))
