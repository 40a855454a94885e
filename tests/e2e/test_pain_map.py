"""The pain map in Chromium: a click on a region, on either side or in the side view,
picks it and a click beside the regions picks nothing; the keyboard reaches every region
by its name; the locator's shapes are links; and no element carries a style attribute."""

import pytest
from playwright.sync_api import expect

from quizzes.painmap import BACK_W, BY_KEY, REGIONS, SIDE_W, VIEW_H
from tests.factories import ClinicianFactory, EnrollmentFactory, QuizFactory, question_with

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KEYS = [r.key for r in REGIONS]


def _click(page, svg, x: float, y: float, width: int) -> None:
    """Click the drawing at a point given in its own units."""
    box = svg.bounding_box()
    page.mouse.click(box["x"] + x * box["width"] / width, box["y"] + y * box["height"] / VIEW_H)


def _checked(page) -> list[str]:
    return page.evaluate(
        "() => [...document.querySelectorAll('.pm-input:checked')]"
        ".map(i => i.id.split('-').slice(1).join('-'))"
    )


def test_a_region_is_picked_on_either_side_by_mouse_and_by_keyboard(live_server, page, screenshot):
    quiz = QuizFactory(title="Where is it?", pass_mark=50)
    question = question_with(quiz, kind="pain_map", correct=(0,), regions=KEYS, slug="map")
    user = ClinicianFactory(email="map@example.org")
    EnrollmentFactory(user=user, course=quiz.course)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address", exact=True).fill("map@example.org")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign In").click()
    page.goto(live_server.url + quiz.get_absolute_url())
    # As served: no style attribute (Chromium adds empty ones to inputs it has touched).
    assert page.evaluate("document.querySelectorAll('[style]').length") == 0

    back = page.locator(".pm-back")
    back.scroll_into_view_if_needed()
    # Beside every region (the spine above the sacrum), a click picks nothing.
    _click(page, back, BACK_W / 2, 30, BACK_W)
    assert _checked(page) == []
    # Each region on each side, at its number (the number lets the click through).
    for region in REGIONS:
        for spot in region.back_spots:
            _click(page, back, spot.x, spot.y, BACK_W)
            assert _checked(page) == [region.key], (region.key, spot.side)
    # Away from its number, still inside the shape: the upper buttock's outer part.
    _click(page, page.locator(".pm-back"), BACK_W - 340, 150, BACK_W)
    assert _checked(page) == ["upper-buttock"]
    # The side of the hip from the side.
    side = page.locator(".pm-side")
    side.scroll_into_view_if_needed()
    x, y = BY_KEY["side-of-hip"].shape.side_anchor
    _click(page, side, x - 20, y + 30, SIDE_W)
    assert _checked(page) == ["side-of-hip"]
    screenshot("pain-map-question-390")

    # By keyboard: each region is a radio button named by its name, moved along with the
    # arrow keys; the focused region's number is ringed.
    first = page.get_by_role("radio", name=REGIONS[0].name, exact=True)
    first.focus()
    page.keyboard.press("Space")
    expect(first).to_be_checked()
    for region in REGIONS[1:]:
        page.keyboard.press("ArrowDown")
        radio = page.get_by_role("radio", name=region.name, exact=True)
        expect(radio).to_be_focused()
        expect(radio).to_be_checked()
    ring = page.locator(f".pm-badge.r-{REGIONS[-1].key} .pm-ring").first
    assert ring.evaluate("e => getComputedStyle(e).stroke") != "none"
    assert page.locator(f".pm-badge.r-{REGIONS[0].key} .pm-ring").first.evaluate(
        "e => getComputedStyle(e).stroke"
    ) in ("none", "")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.locator(".pm-legend label", has_text=BY_KEY["sacroiliac"].name).click()
    expect(page.get_by_role("radio", name=BY_KEY["sacroiliac"].name, exact=True)).to_be_checked()
    page.get_by_role("radio", name="Fairly sure", exact=True).check()
    page.get_by_role("button", name="Submit answers").click()
    result = page.locator("figure.pm-result")
    expect(result).to_contain_text(f"Correct answer: {REGIONS[0].name}")
    expect(result).to_contain_text(f"Your answer: {BY_KEY['sacroiliac'].name}")
    expect(page.get_by_role("img", name=f"Correct answer: {REGIONS[0].name}")).to_be_visible()
    assert question.answers.count() == 1
    screenshot("pain-map-result-390")


def test_the_locator_shapes_are_links_on_either_side(live_server, page):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/pain-map/")
    assert page.evaluate("document.querySelectorAll('[style]').length") == 0
    back = page.locator(".pm-back")
    spot = BY_KEY["sitting-bone"].back_spots[1]  # the left side
    _click(page, back, spot.x, spot.y, BACK_W)
    expect(page.get_by_role("heading", level=2, name=BY_KEY["sitting-bone"].name)).to_be_visible()
    assert page.url.endswith("?region=sitting-bone#region-info")
    x, y = BY_KEY["side-of-hip"].shape.side_anchor
    _click(page, page.locator(".pm-side"), x, y, SIDE_W)
    expect(page.get_by_role("heading", level=2, name=BY_KEY["side-of-hip"].name)).to_be_visible()
    # One link per region in the drawing, named, reached by keyboard.
    links = page.get_by_role("group", name="Drawing of the lower back").get_by_role("link")
    expect(links).to_have_count(len(REGIONS))
    link = links.nth(4)
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + f"/pain-map/?region={REGIONS[4].key}#region-info")


def test_without_javascript_a_click_on_the_left_side_answers_the_question(
    live_server, browser, session_cookie
):
    """The drawing needs no script: a click on a region of the left side picks it, the
    quiz is sent, and the result shows the chosen and the correct regions in words."""
    quiz = QuizFactory(title="Where is it?", pass_mark=50)
    question_with(quiz, kind="pain_map", correct=(0,), regions=KEYS, slug="map")
    user = ClinicianFactory(email="nojs@example.org")
    EnrollmentFactory(user=user, course=quiz.course)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    context.add_cookies([session_cookie(user)])
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(live_server.url + quiz.get_absolute_url())
        back = page.locator(".pm-back")
        back.scroll_into_view_if_needed()
        sacroiliac = BY_KEY["sacroiliac"]
        left = next(s for s in sacroiliac.back_spots if s.side == "left")
        _click(page, back, left.x, left.y, BACK_W)
        expect(page.get_by_role("radio", name=sacroiliac.name, exact=True)).to_be_checked()
        page.get_by_role("radio", name="Guessing", exact=True).check()
        page.get_by_role("button", name="Submit answers").click()
        result = page.locator("figure.pm-result")
        expect(result).to_contain_text(f"Correct answer: {REGIONS[0].name}")
        expect(result).to_contain_text(f"Your answer: {sacroiliac.name}")
    finally:
        context.close()
