"""Newsletter growth per ISO week: sign-ups, confirmations and unsubscriptions in the
week they happened, and what became of each week's sign-ups (confirmed, bounced)."""

from datetime import timedelta

import pytest

from newsletter.selectors import subscriber_growth

from .activity import NOW, THIS_MONDAY, subscriber

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)


def test_weekly_sign_ups_confirmations_unsubscriptions_and_bounces():
    last_week = THIS_MONDAY - 5 * DAY
    subscriber(
        "a@example.org", created_at=last_week, confirmed_at=THIS_MONDAY + DAY, status="active"
    )
    subscriber("b@example.org", created_at=last_week, confirmed_at=last_week + DAY, status="active")
    subscriber(
        "c@example.org",
        created_at=last_week,
        confirmed_at=last_week,
        unsubscribed_at=THIS_MONDAY,
        status="unsubscribed",
    )
    subscriber("d@example.org", created_at=last_week, status="bounced")
    subscriber("e@example.org", created_at=THIS_MONDAY + DAY)  # pending
    subscriber("f@example.org", created_at=THIS_MONDAY - timedelta(weeks=20), status="active")

    weeks = subscriber_growth(now=NOW, weeks=12)

    this, last = weeks[-1], weeks[-2]
    assert (last.signed_up, last.confirmed, last.unsubscribed) == (4, 2, 0)
    assert (last.signed_up_confirmed, last.signed_up_bounced) == (3, 1)
    assert last.confirmation_percent == 75
    assert (this.signed_up, this.confirmed, this.unsubscribed) == (1, 1, 1)
    assert (this.signed_up_confirmed, this.confirmation_percent) == (0, 0)
    assert sum(w.signed_up for w in weeks) == 5
    assert weeks[0].confirmation_percent is None
