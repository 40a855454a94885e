"""The newsletter preview in Chromium: the framed email is not blank; it shows the issue's
heading, body, links and unsubscribe footer, with nothing blocked by the page's or the
frame's Content-Security-Policy (the page fixture fails on any)."""

import pytest

from newsletter.models import Issue
from tests.factories import StaffFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_preview_frame_shows_the_email(live_server, page, session_cookie, settings):
    settings.SITE_URL = "https://learn.example.org"
    issue = Issue.objects.create(
        subject="Spring news",
        body_md="# What is new\n\nA new lesson: see [the pain map](/pain-map/).",
    )
    page.context.add_cookies([session_cookie(StaffFactory())])
    page.goto(f"{live_server.url}/admin/newsletter/issue/{issue.pk}/preview/")
    email = page.frame_locator("iframe.email-preview")
    assert email.locator("h1").inner_text() == "Spring news"
    assert email.locator("h2").inner_text() == "What is new"
    link = email.get_by_role("link", name="the pain map")
    assert link.get_attribute("href") == "https://learn.example.org/pain-map/"
    assert email.get_by_role("link", name="Unsubscribe").count() == 1
    assert "test send" not in email.locator("body").inner_text()
    assert "What is new" in page.locator("pre.email-text").inner_text()
