"""The demo clinician's review, in Chromium, by keyboard: yesterday they took the superior
cluneal nerve for the sacroiliac joint on a crest-block case. Today they answer that case
with how sure they are, meet its near-miss twin as a contrast card, see both side by side
with the one finding that differs marked, take the answer back with `u`, and find the
pair at the top of the sources they mix up."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from course.content_loader import load_content
from reviews.models import Card, ContrastPair
from tests.e2e.nav import expect_signed_in
from tests.e2e.test_accessibility import ALL_RULES, AXE, AXE_RUN

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def axe(page, where: str) -> list:
    """axe's violations on the page as it is now, light and dark."""
    found = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        found += [(where, scheme, v["id"], v["nodes"]) for v in page.evaluate(AXE_RUN, ALL_RULES)]
    page.emulate_media(color_scheme="light")
    return found


def choose(page, label: str) -> None:
    """Pick an option or a confidence as a keyboard user does: focus it, press Space."""
    page.get_by_label(label, exact=True).focus()
    page.keyboard.press("Space")


def test_demo_clinician_answers_with_confidence_meets_the_contrast_and_undoes(
    live_server, page, screenshot, settings
):
    page.add_init_script(path=AXE)
    assert load_content().ok
    settings.DEBUG = True  # the demo command is for the quick start only
    call_command("ensure_demo_clinician")
    settings.DEBUG = False
    user = User.objects.get(email="clinician@example.com")
    contrast = Card.objects.get(user=user, kind=Card.Kind.CONTRAST)

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address", exact=True).fill("clinician@example.com")
    page.get_by_label("Password").fill("change-me-clinician")
    page.keyboard.press("Enter")
    expect_signed_in(page)
    page.goto(live_server.url + "/review/")

    # The case missed yesterday comes first, asked on its own.
    expect(page.get_by_text("0 done today")).to_be_visible()
    expect(page.get_by_text("iliac crest reproduces it")).to_be_visible()
    expect(page.get_by_text("pain falls from 7/10 to 2/10")).to_be_visible()
    choose(page, "Superior cluneal nerve")
    choose(page, "Sure")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Right, and you were sure: Easy, back in")

    # Next, its twin as a contrast card: the same story, one finding changed.
    page.keyboard.press("Space")
    expect(page.get_by_role("heading", name="Contrast case", exact=False)).to_be_visible()
    expect(page.get_by_text("near-miss twin")).to_be_visible()
    choose(page, "Sacroiliac joint")
    page.keyboard.press("2")  # the shortcut for "Fairly sure"
    expect(page.get_by_label("Fairly sure", exact=True)).to_be_checked()
    screenshot("contrast-card-390")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Right, and you were fairly sure: Good")
    side_by_side = page.get_by_role("region", name="The twin cases side by side")
    expect(side_by_side).to_be_visible()
    marks = side_by_side.locator("mark")
    assert marks.count() >= 2  # the finding, marked in each case
    expect(side_by_side.get_by_text("Answer:")).to_have_count(2)
    screenshot("contrast-side-by-side-390")
    violations = axe(page, "the twin cases side by side")
    contrast.refresh_from_db()
    assert contrast.reps == 1
    pair = ContrastPair.objects.get(user=user)
    assert pair.a_right_days + pair.b_right_days == 1

    # Back to the session, and take that answer back with `u`.
    page.keyboard.press("Space")
    expect(page.get_by_role("button", name="Undo last answer")).to_be_visible()
    page.keyboard.press("u")
    expect(page.get_by_role("status")).to_contain_text("Answer taken back")
    expect(page.get_by_text("near-miss twin")).to_be_visible()
    contrast.refresh_from_db()
    pair.refresh_from_db()
    assert contrast.reps == 0 and pair.a_right_days + pair.b_right_days == 0

    # The pair heads the sources they mix up, with the passage that separates them.
    page.goto(live_server.url + "/review/progress/")
    first = page.locator("table.confusions tbody tr").first
    expect(first).to_contain_text("Sacroiliac joint")
    expect(first).to_contain_text("Superior cluneal nerve")
    expect(first.get_by_role("link")).to_have_attribute("href", re.compile(r"/courses/.+#.+"))
    violations += axe(page, "progress, with the sources mixed up")
    assert not violations, violations
