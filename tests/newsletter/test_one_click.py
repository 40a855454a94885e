"""Signed-in learners subscribe from the footer in one click. Double opt-in stays
honest: a verified account address is confirmed at once, any other gets the usual
confirmation email; a double click makes one subscription."""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from newsletter.models import Subscriber
from outbox.models import OutboundEmail
from tests.factories import ClinicianFactory, UserFactory


@pytest.fixture
def committing(on_commit):
    return on_commit


def press(client, **fields):
    return client.post(
        "/newsletter/subscribe-me/",
        {"source": "footer", "next": "/courses/", "health_professional_asked": "1", **fields},
    )


@pytest.mark.django_db
def test_the_footer_offers_a_signed_in_learner_one_button_with_their_role_prefilled(client):
    clinician = ClinicianFactory(email="gp@example.org")
    client.force_login(clinician)
    page = client.get("/").content.decode()
    assert "Subscribe gp<wbr>@example.org" in page
    assert 'action="/newsletter/subscribe-me/"' in page
    assert 'name="health_professional" id="nl-hp-footer" checked' in page
    assert 'name="email"' not in page  # no address to type: it is theirs
    client.force_login(UserFactory(email="pat@example.org"))
    page = client.get("/").content.decode()
    assert "Subscribe pat<wbr>@example.org" in page
    assert 'id="nl-hp-footer">' in page  # not ticked for a patient


@pytest.mark.django_db
def test_a_verified_address_is_subscribed_at_once_and_the_footer_says_so(client, committing):
    user = ClinicianFactory(email="gp@example.org")
    client.force_login(user)
    with committing():
        response = press(client, health_professional="on")
    assert response.status_code == 302 and response.url == "/courses/"  # back where it was
    subscriber = Subscriber.objects.get(email="gp@example.org")
    assert subscriber.status == "active" and subscriber.confirmed_at is not None
    assert subscriber.is_health_professional and subscriber.source == "footer"
    assert not mail.outbox  # nothing to confirm: the address is proven
    page = client.get("/").content.decode()
    assert "You are subscribed to the newsletter at gp@example.org." in page
    assert "You get the newsletter at gp<wbr>@example.org" in page
    assert 'href="/newsletter/preferences/' in page
    assert "Subscribe gp" not in page


@pytest.mark.django_db
def test_an_unverified_address_gets_the_confirmation_email_first(client, committing):
    user = UserFactory(email="new@example.org", verified=False)
    client.force_login(user)
    with committing():
        press(client)  # the box left unticked: not a health professional
    subscriber = Subscriber.objects.get(email="new@example.org")
    assert subscriber.status == "pending" and subscriber.confirmed_at is None
    assert not subscriber.is_health_professional
    assert len(mail.outbox) == 1 and "/newsletter/confirm/" in mail.outbox[0].body
    page = client.get("/").content.decode()
    assert "we have emailed new@example.org a link to confirm" in page
    assert "We have emailed new<wbr>@example.org a link to confirm" in page  # the footer
    assert "Send the link again" in page and "You get the newsletter" not in page


@pytest.mark.django_db
def test_the_box_overrides_the_role_and_a_foreign_next_is_ignored(client):
    client.force_login(ClinicianFactory(email="gp@example.org"))
    response = press(client, next="https://evil.example/")
    assert response.url == "/accounts/details/"
    assert not Subscriber.objects.get(email="gp@example.org").is_health_professional


@pytest.mark.django_db
def test_signed_out_visitors_still_get_the_full_form(client):
    page = client.get("/").content.decode()
    assert 'name="email"' in page and 'name="consent"' in page
    assert "subscribe-me" not in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("verified", [True, False])
def test_a_double_click_makes_one_subscription(monkeypatch, verified):
    user = UserFactory(email="twice@example.org", verified=verified)
    # Both clicks find no subscriber, then both try to create one: the worst interleaving.
    both_looked = threading.Barrier(2, timeout=20)
    real_create = Subscriber.objects.create

    def create_after_both_looked(**kwargs):
        both_looked.wait()
        return real_create(**kwargs)

    monkeypatch.setattr(Subscriber.objects, "create", create_after_both_looked)
    statuses, errors = [], []

    def click():
        try:
            client = Client()
            client.force_login(user)
            statuses.append(press(client).status_code)
        except Exception as exc:  # noqa: BLE001 (reported by the assertion below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == [] and statuses == [302, 302]
    subscriber = Subscriber.objects.get(email="twice@example.org")
    assert subscriber.status == ("active" if verified else "pending")
    # One confirmation email at most, recorded once.
    assert OutboundEmail.objects.count() == (0 if verified else 1)
