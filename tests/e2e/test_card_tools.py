"""The card's tools in Chromium, by keyboard: undo the last answer with `u`, then report a
card and put one off until tomorrow from its "More" menu, which works without a script."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reviews.models import Card, CardFlag
from reviews.services import cards_from_lesson
from tests.e2e.nav import expect_signed_in
from tests.e2e.test_accessibility import ALL_RULES, AXE, AXE_RUN
from tests.factories import EnrollmentFactory, LessonFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _axe(page, where):
    """axe's violations on the page as it is now, in both schemes."""
    found = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        found += [(where, scheme, v["id"], v["nodes"]) for v in page.evaluate(AXE_RUN, ALL_RULES)]
    page.emulate_media(color_scheme="light")
    return found


def test_undo_report_and_bury_by_keyboard(live_server, page, screenshot):
    page.add_init_script(path=AXE)
    user = UserFactory(email="tools@example.org")
    lesson = LessonFactory(
        title="The cluneal nerves",
        key_points=[
            {"front": "Where do the superior cluneal nerves cross?", "back": "The iliac crest."},
            {"front": "Which nerve runs under the long ligament?", "back": "The middle cluneal."},
        ],
    )
    EnrollmentFactory(user=user, course=lesson.course)
    cards_from_lesson(user=user, lesson=lesson, now=timezone.now() - timedelta(days=1))
    first = Card.objects.get(user=user, key_index=0)

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address", exact=True).fill("tools@example.org")
    page.get_by_label("Password").fill("a-long-test-password")
    page.keyboard.press("Enter")
    expect_signed_in(page)
    page.goto(live_server.url + "/review/")

    expect(page.get_by_text("Where do the superior cluneal nerves cross?")).to_be_visible()
    expect(page.get_by_role("button", name="Undo last answer")).to_have_count(0)
    page.keyboard.press("Space")
    expect(page.get_by_text("The iliac crest.")).to_be_visible()
    page.keyboard.press("3")  # Good
    expect(page.get_by_role("status")).to_contain_text("Good: back in")
    expect(page.get_by_text("Which nerve runs under the long ligament?")).to_be_visible()
    undo = page.get_by_role("button", name="Undo last answer")
    expect(undo).to_be_visible()
    page.keyboard.press("u")
    expect(page.get_by_role("status")).to_contain_text("Answer taken back")
    expect(page.get_by_text("Where do the superior cluneal nerves cross?")).to_be_visible()
    first.refresh_from_db()
    assert first.is_new and first.reps == 0

    # The menu, by keyboard: Tab to "More", Enter opens it, the note, Enter on the button.
    more = page.locator("details.card-menu > summary")
    more.focus()
    page.keyboard.press("Space")  # opens the menu; does not show the answer
    expect(page.get_by_text("Say or think the answer, then look.")).to_be_visible()
    note = page.get_by_label("Tell the editors what is wrong")
    expect(note).to_be_visible()
    violations = _axe(page, "the card's menu, open")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"card-menu-{width}")
    note.fill("The crest is <b>7 cm</b> from the midline, not 4.")
    note.press("Tab")
    page.keyboard.press("Enter")  # "Report this card", focused after the note
    status = page.get_by_role("status")
    expect(status).to_contain_text("the editors will check this card")
    expect(status).to_contain_text("<b>7 cm</b>")  # shown as typed, not as HTML
    flag = CardFlag.objects.get()
    assert flag.card == first and flag.lesson == lesson

    more.focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Not today").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("comes back tomorrow")
    expect(page.get_by_text("Which nerve runs under the long ligament?")).to_be_visible()
    first.refresh_from_db()
    assert first.buried_until is not None and first.buried_until > timezone.now()

    # The card stopped from the menu is listed on the progress page, to bring back.
    more.focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Stop showing me this card").click()
    expect(page.get_by_role("status")).to_contain_text("will not be shown again")
    page.goto(live_server.url + "/review/progress/")
    stopped = page.get_by_role("region", name="Cards you stopped").or_(
        page.locator("section[aria-labelledby=suspended-heading]")
    )
    expect(stopped.get_by_text("Which nerve runs under the long ligament?")).to_be_visible()
    violations += _axe(page, "progress, a card stopped")
    assert not violations, violations
