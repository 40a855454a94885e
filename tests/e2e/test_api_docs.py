"""In Chromium, under the Content-Security-Policy: the API docs (Swagger UI) draw every
operation and staff sign in to them, with nothing blocked (the `page` fixture fails a test
on any CSP report in the console)."""

import pytest
from playwright.sync_api import expect

from tests.factories import StaffFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_draws_the_api_under_the_policy(live_server, page, settings):
    settings.API_DOCS_PUBLIC = True
    page.goto(live_server.url + "/api/docs/")
    expect(page.get_by_text("Buttock nerve pain training API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/courses/", exact=True).first).to_be_visible()


def test_staff_sign_in_and_open_the_docs_and_the_admin(live_server, page, settings):
    settings.API_DOCS_PUBLIC = False
    StaffFactory(email="editor@example.org")
    page.goto(live_server.url + "/api/docs/")
    # Sent to the site's sign-in, and back to the docs after it.
    page.get_by_label("Email").fill("editor@example.org")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("/api/v1/courses/", exact=True).first).to_be_visible()
    page.goto(live_server.url + "/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
