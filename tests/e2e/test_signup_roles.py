"""Signing up in Chromium: a health professional from the CPD course page, with the
name on certificates filled in as they type and the time zone taken from the browser;
a patient without JavaScript, who sees no clinician field."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from completion.selectors import missing_details
from course.content_loader import load_content
from course.models import Course
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.nav import expect_signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def _page(browser: Browser, **context: Any) -> Iterator[Page]:
    """A phone-sized page in a context of its own (a time zone, or no JavaScript), with
    the same watch on the Content-Security-Policy as the shared `page` fixture."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, **context)
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    blocked: list[str] = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    ctx.close()
    assert not blocked, "The Content-Security-Policy blocked:\n" + "\n".join(blocked)


@pytest.fixture
def auckland(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, timezone_id="Pacific/Auckland")


@pytest.fixture
def no_script(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, java_script_enabled=False)


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_clinician_signs_up_from_the_cpd_course(live_server, auckland, settings):
    settings.SITE_URL = live_server.url  # links in emails use the public address
    page = auckland
    assert load_content().ok
    cpd = Course.objects.get(audience="clinician")
    page.goto(f"{live_server.url}/courses/{cpd.slug}/")
    page.get_by_role("link", name="Sign up to enrol").first.click()

    # The health professional's form, opened from the course's link.
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    expect(page.get_by_role("link", name=re.compile("Not a health professional"))).to_be_visible()
    # The browser's zone, in place of UTC.
    expect(page.get_by_label("Time zone")).to_have_value("Pacific/Auckland")

    page.get_by_label("Email address", exact=True).fill("ana.cpd@example.org")
    page.get_by_label("Full name").press_sequentially("Ana Silva")
    printed = page.get_by_label("Name on certificates")
    expect(printed).to_have_value("Ana Silva")  # followed the full name as it was typed
    printed.fill("Dr Ana Silva")
    page.get_by_label("Full name").fill("Ana M. Silva")
    expect(printed).to_have_value("Dr Ana Silva")  # once written, it is the learner's own
    page.get_by_label("Profession").fill("Physiotherapist")
    page.get_by_label("Registration number").fill("PH123")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    _shot(page, "20-sign-up-health-professional")
    page.get_by_role("button", name="Create an account", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")

    assert len(mail.outbox) == 1
    link = re.search(r"(https?://\S+/accounts/confirm-email/\S+/)", mail.outbox[0].body).group(1)
    page.goto(link)
    page.get_by_role("button", name="Confirm my address").click()
    expect_signed_in(page)

    user = User.objects.get(email="ana.cpd@example.org")
    assert user.is_clinician and user.name == "Ana M. Silva"
    assert user.time_zone == "Pacific/Auckland"
    profile = user.clinician_profile
    assert (profile.certificate_name, profile.profession, profile.registration_number) == (
        "Dr Ana Silva",
        "Physiotherapist",
        "PH123",
    )
    assert missing_details(user) == []


def test_a_patient_without_javascript_sees_no_clinician_field(live_server, no_script, settings):
    settings.SITE_URL = live_server.url
    page = no_script
    page.goto(f"{live_server.url}/accounts/signup/")
    form = page.locator("form.account-form")
    for label in ("Full name", "Name on certificates", "Profession", "Registration number"):
        expect(form.get_by_label(label)).to_have_count(0)
    expect(form.locator("[name=profession], [name=certificate_name]")).to_have_count(0)
    expect(page.get_by_label("Time zone")).to_have_value("UTC")  # no script to change it
    page.get_by_label("Email address", exact=True).fill("pat.no.script@example.org")
    page.get_by_label("Your name").fill("Pat")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    _shot(page, "21-sign-up-patient-no-javascript")
    page.get_by_role("button", name="Create an account", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    user = User.objects.get(email="pat.no.script@example.org")
    assert (user.role, user.name, user.time_zone) == ("patient", "Pat", "UTC")
    assert not hasattr(user, "clinician_profile")
