"""Sign-up confirmation emails go through Redis, a real Celery worker and an SMTP server,
against PostgreSQL; with the broker down they wait in the database for the sweep."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from outbox import tasks
from outbox.models import OutboundEmail

from .conftest import free_port, publishing_to, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _sign_up(client, address: str):
    response = client.post(
        "/accounts/signup/",
        {
            "email": address,
            "role": "patient",
            "password1": "a-long-test-password",
            "password2": "a-long-test-password",
        },
    )
    assert response.status_code == 302, response.content


def test_confirmation_emails_reach_the_smtp_server_once_each(client, celery_worker, smtp_server):
    inbox, _ = smtp_server
    celery_worker()
    addresses = [f"learner{i}@example.org" for i in range(5)]
    for address in addresses:
        _sign_up(client, address)
    assert sorted(inbox.wait_for(5)) == sorted(addresses)
    # The server has them the moment before the worker commits `sent_at`: wait for that.
    wait_until(
        lambda: OutboundEmail.objects.filter(sent_at__isnull=False).count() == 5,
        what="all five marked sent",
    )
    rows = {row.to: row.message_id for row in OutboundEmail.objects.all()}
    assert {m["To"]: m["Message-ID"] for m in inbox.messages} == rows
    body = inbox.messages[0].get_payload(decode=True).decode()
    assert re.search(r"/accounts/confirm-email/\S+/", body)
    assert "Hello from Buttock nerve pain" in body


def test_broker_down_at_sign_up_then_the_sweep_sends(client, celery_worker, smtp_server):
    inbox, _ = smtp_server
    # Nothing listens on this port: publishing fails, the sign-up must not.
    with publishing_to(f"redis://127.0.0.1:{free_port()}/0"):
        _sign_up(client, "while-down@example.org")
    row = OutboundEmail.objects.get(to="while-down@example.org")
    assert row.sent_at is None

    celery_worker()
    # The sweep leaves fresh rows alone for a grace period; age this one past it.
    OutboundEmail.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    tasks.sweep_unsent.delay()
    assert inbox.wait_for(1) == ["while-down@example.org"]
    wait_until(
        lambda: OutboundEmail.objects.filter(pk=row.pk, sent_at__isnull=False).exists(),
        what="the swept email marked sent",
    )
