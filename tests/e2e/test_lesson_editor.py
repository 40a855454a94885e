"""The lesson form in Chromium, as an editor uses it: the body's preview follows the
typing, a diagram is inserted at the cursor, a key point row is added, and the form and
the list of lessons fit a laptop (1280 px) and the form a phone (390 px). Screenshots go
to test-artifacts/."""

import pytest
from django.core.management import call_command

from course.models import Lesson
from tests.e2e.test_accessibility import ALL_RULES, AXE
from tests.factories import EditorFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# axe on the widgets this form adds (the rest of the form is Django's own); without its
# preloading of style sheets, which applies an inline style the page's CSP refuses.
AXE_ON_WIDGETS = """options => axe.run(
        {include: [['.md-editor'], ['.pair-list-frame'], ['.reference-checklist'],
                   ['textarea[name=objectives]']]},
        {...options, preload: false, resultTypes: ['violations']})
    .then(r => r.violations.map(v => ({id: v.id, help: v.help,
        nodes: v.nodes.map(n => n.html.slice(0, 200))})))"""


@pytest.fixture
def lesson():
    call_command("load_content", verbosity=0)
    return Lesson.objects.exclude(figures=[]).filter(course__audience="clinician").first()


def test_editing_a_lesson_with_preview_diagrams_and_key_points(
    live_server, page, screenshot, session_cookie, lesson
):
    page.context.add_cookies([session_cookie(EditorFactory())])
    page.context.add_init_script(path=AXE)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/course/lesson/{lesson.pk}/change/")
    pane = page.locator(".md-preview-pane")
    # Filled from the saved body when the page opens.
    pane.locator("h2").first.wait_for()

    body = page.locator("textarea[name=body_md]")
    body.fill("## A new heading\n\nSome *text*.")
    page.locator(".md-preview-pane h2#a-new-heading").wait_for()
    assert pane.locator("em").inner_text() == "text"

    # Insert the first diagram after the heading, on a line of its own.
    body.evaluate("box => box.setSelectionRange(16, 16)")
    figure = lesson.figures[0]["name"]
    page.locator(".md-insert").first.click()
    assert body.input_value() == f"## A new heading\n\n[figure: {figure}]\n\nSome *text*."
    page.locator(f".md-preview-pane #figure-{figure}").wait_for()

    rows = page.locator(".pair-list tbody tr")
    before = rows.count()
    page.get_by_role("button", name="Add another key point").click()
    assert rows.count() == before + 1
    assert page.locator(f"textarea[name=key_points-{before}-front]").is_visible()

    screenshot("lesson-form-1280")
    assert not page.evaluate(AXE_ON_WIDGETS, ALL_RULES)
    scroll_width, inner_width = page.evaluate(WIDTH)
    assert scroll_width <= inner_width

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    pane.locator("h2").first.wait_for()
    screenshot("lesson-form-390")
    scroll_width, inner_width = page.evaluate(WIDTH)
    assert scroll_width <= inner_width


def test_the_list_of_lessons_fits_a_laptop(live_server, page, screenshot, session_cookie, lesson):
    page.context.add_cookies([session_cookie(EditorFactory())])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/course/lesson/")
    screenshot("lesson-list-1280")
    scroll_width, inner_width = page.evaluate(WIDTH)
    assert scroll_width <= inner_width
    # No row taller than three lines of text.
    heights = page.locator("#result_list tbody tr").evaluate_all(
        "rows => rows.map(r => r.getBoundingClientRect().height)"
    )
    assert heights and max(heights) < 70, heights
    # Every column in sight, the last (the preview link) included: none scrolled away.
    table_right, frame_right = page.evaluate(
        """() => [document.querySelector('#result_list').getBoundingClientRect().right,
                  document.querySelector('.results').getBoundingClientRect().right]"""
    )
    assert table_right <= frame_right + 1
    assert page.get_by_role("link", name="Preview").first.is_visible()
