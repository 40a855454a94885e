"""A visitor reads the free lesson, signs up, confirms the address, enrols, reads the
second lesson and sees their progress — in Chromium, on a phone-sized screen."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from course.content_loader import load_content
from course.models import Enrollment, Lesson, LessonProgress
from tests.e2e.nav import expect_signed_in
from tests.factories import give_reading_time

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_visitor_to_progress(live_server, page, screenshot, settings):
    settings.SITE_URL = live_server.url  # links in emails use the public address
    assert load_content().ok
    page.goto(live_server.url + "/")

    # The skip link is the first thing the keyboard reaches.
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to content")

    page.get_by_role("link", name=re.compile("Read the free first lesson")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Is my buttock pain coming from a nerve?"
    )
    expect(page.get_by_role("heading", name="Two places a nerve can cause trouble")).to_be_visible()
    expect(page.get_by_label("Medical disclaimer")).to_be_visible()
    screenshot("01-free-lesson")

    # A locked lesson shows what it covers, not its body.
    page.get_by_role("link", name="The sciatic nerve in the buttock").first.click()
    expect(page.get_by_role("heading", name="What this lesson covers")).to_be_visible()
    page.go_back()

    page.get_by_role("link", name="Sign up to enrol").first.click()
    page.get_by_label("Email address", exact=True).fill("pat@example.org")
    page.get_by_label("Your name").fill("Pat")
    # The self-help course's sign-up: the patient's form, nothing a clinician gives.
    expect(page.get_by_label("Profession")).to_have_count(0)
    page.get_by_label("Choose a password").fill("a-long-test-password")
    page.get_by_label("Type the password again").fill("a-long-test-password")
    screenshot("02-sign-up")
    page.get_by_role("button", name="Create an account", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")

    # The confirmation email, sent by the worker (eager here), carries the link.
    assert len(mail.outbox) == 1
    link = re.search(r"(https?://\S+/accounts/confirm-email/\S+/)", mail.outbox[0].body).group(1)
    page.goto(link)
    page.get_by_role("button", name="Confirm my address").click()
    expect_signed_in(page)

    page.goto(live_server.url + "/courses/buttock-nerve-pain-self-help/")
    page.get_by_role("button", name="Enrol in this course").click()
    expect(page.get_by_role("status")).to_contain_text("You are enrolled")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Is my buttock pain coming from a nerve?"
    )
    # Opened and marked done at once: not yet, said kindly, and the lesson stays open.
    expect(page.locator("#done-rule")).to_contain_text("This lesson counts as done after about")
    page.get_by_role("button", name=re.compile("Mark as done")).click()
    expect(page.get_by_role("status")).to_contain_text("This lesson counts as done after about")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Is my buttock pain coming from a nerve?"
    )
    # Read for long enough (credited directly: a browser test does not wait minutes).
    pat = User.objects.get(email="pat@example.org")
    give_reading_time(pat, Lesson.objects.get(title="Is my buttock pain coming from a nerve?"))
    page.get_by_role("button", name=re.compile("Mark as done")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("The sciatic nerve in the buttock")
    expect(page.get_by_role("heading", name="After this lesson you can")).to_be_visible()
    screenshot("03-second-lesson")
    give_reading_time(pat, Lesson.objects.get(title="The sciatic nerve in the buttock"))
    page.get_by_role("button", name=re.compile("Mark as done")).click()

    page.goto(live_server.url + "/")
    expect(page.get_by_text("2 of 7 lessons done")).to_be_visible()
    expect(page.get_by_role("link", name="Continue: The cluneal nerves")).to_be_visible()
    screenshot("04-progress")

    assert Enrollment.objects.filter(user__email="pat@example.org").count() == 1
    assert (
        LessonProgress.objects.filter(
            user__email="pat@example.org", completed_at__isnull=False
        ).count()
        == 2
    )
