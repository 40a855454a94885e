"""A visitor signs up from the footer as a health professional and confirms from the
email they receive."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from newsletter.models import Subscriber

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_footer_sign_up_and_confirm(live_server, page, screenshot, settings):
    settings.SITE_URL = live_server.url  # links in emails use the public address
    page.goto(live_server.url + "/pain-map/")
    footer = page.get_by_role("region", name="Sign up to the newsletter")
    footer.get_by_label("Email address").fill("physio@example.org")
    footer.get_by_label("I am a health professional").check()
    footer.get_by_label(re.compile("Email me the Buttock nerve pain newsletter")).check()
    screenshot("10-newsletter-footer")
    footer.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")

    assert len(mail.outbox) == 1
    confirm = re.search(r"(https?://\S+/newsletter/confirm/\S+/)", mail.outbox[0].body).group(1)
    page.goto(confirm)
    page.get_by_role("button", name="Confirm my subscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are subscribed")
    subscriber = Subscriber.objects.get(email="physio@example.org")
    assert subscriber.status == "active" and subscriber.is_health_professional
