"""Lessons show their diagrams, red flags and sources on a phone, on a desktop and in
print, in Chromium."""

import pytest
from playwright.sync_api import expect

from course.content_loader import load_content
from course.models import Course, Lesson
from tests.factories import ClinicianFactory, EnrollmentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _diagrams_fit(page) -> None:
    figures = page.locator("figure.diagram svg")
    assert figures.count() >= 1
    width = page.evaluate("document.documentElement.clientWidth")
    for i in range(figures.count()):
        box = figures.nth(i).bounding_box()
        assert box and 0 < box["width"] <= width and box["height"] > 100


def test_free_lesson_shows_its_diagram_red_flags_and_sources(live_server, page, screenshot):
    assert load_content().ok
    lesson = Lesson.objects.get(is_free=True)
    page.goto(live_server.url + lesson.get_absolute_url())
    expect(
        page.get_by_role("img", name="Nerves of the right buttock", exact=False).first
    ).to_be_visible()
    expect(page.locator(".admonition.warning").first).to_be_visible()
    expect(page.get_by_role("heading", name="Sources for this lesson")).to_be_visible()
    expect(page.get_by_text("Last reviewed")).to_be_visible()
    _diagrams_fit(page)
    _no_sideways_scroll(page)
    screenshot("lesson-free-390")

    page.set_viewport_size({"width": 1280, "height": 900})
    _diagrams_fit(page)
    screenshot("lesson-free-1280")

    # In print the sidebar and navigation go; the diagram and its words stay.
    page.emulate_media(media="print")
    expect(page.locator("figure.diagram").first).to_be_visible()
    expect(page.locator(".diagram-text").first).to_be_visible()
    expect(page.locator(".sidebar")).to_be_hidden()


def test_every_lesson_diagram_and_the_course_reference_list(
    live_server, page, screenshot, session_cookie
):
    assert load_content().ok
    course = Course.objects.get(audience="clinician")
    user = ClinicianFactory()
    for enrolled in Course.objects.all():
        EnrollmentFactory(user=user, course=enrolled)
    page.context.add_cookies([session_cookie(user)])
    # Every lesson with a diagram, in both courses (patient lessons reuse clinician ones).
    for lesson in Lesson.objects.exclude(figures=[]).select_related("course"):
        page.goto(live_server.url + lesson.get_absolute_url())
        expect(page.locator("figure.diagram").first).to_be_visible()
        _diagrams_fit(page)
        _no_sideways_scroll(page)
        screenshot(f"lesson-{lesson.slug}-390")
    page.goto(live_server.url + f"/courses/{course.slug}/references/")
    expect(page.get_by_role("heading", name="Primary studies")).to_be_visible()
    expect(page.get_by_text("Kuniya H, Aota Y", exact=False)).to_be_visible()
    _no_sideways_scroll(page)
    screenshot("course-references-390")
