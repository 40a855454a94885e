"""A newsletter issue to 500 subscribers through Redis, a real Celery worker, PostgreSQL
and an SMTP server: exactly one delivery each, even when the send is started twice."""

from collections import Counter

import pytest
from django.utils import timezone

from newsletter.models import Delivery, Issue, Subscriber
from newsletter.tasks import send_issue

from .conftest import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_issue_reaches_500_subscribers_exactly_once(celery_worker, smtp_server):
    inbox, _ = smtp_server
    now = timezone.now()
    Subscriber.objects.bulk_create(
        Subscriber(
            email=f"reader{i}@example.org",
            status="active",
            consent_text="c",
            consent_at=now,
            is_health_professional=i % 2 == 0,
        )
        for i in range(500)
    )
    Subscriber.objects.bulk_create(
        Subscriber(email=f"gone{i}@example.org", status=status, consent_text="c", consent_at=now)
        for i, status in enumerate(["pending", "unsubscribed", "bounced"] * 10)
    )
    issue = Issue.objects.create(
        subject="November: sitting with less pain",
        body_md="A cushion that relieves the sitting bone can help.",
    )
    celery_worker()
    send_issue.delay(issue.pk)
    send_issue.delay(issue.pk)  # an admin who clicked twice
    # Every row marked sent (by the worker, after the server's "250"): nothing more
    # can go out, so the server's count is final.
    wait_until(
        lambda: Delivery.objects.filter(issue=issue, sent_at__isnull=False).count() == 500,
        what="all 500 deliveries marked sent",
    )
    received = Counter(inbox.recipients())
    assert len(received) == 500 and set(received.values()) == {1}
    assert all(address.startswith("reader") for address in received)
    message = inbox.messages[0]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Subject"] == "November: sitting with less pain"
