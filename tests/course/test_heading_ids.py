"""Lesson headings carry stable ids, so a link can point at one passage of a lesson."""

import pytest

from course.markdown import headings, render_markdown
from tests.factories import CourseFactory, LessonFactory, ModuleFactory

BODY = """## Where it hurts

Text.

### Separating it

From the nerve.

## Separating it

From the joint.

## A **bold** & plain heading
"""


def test_headings_get_the_slug_of_their_text_numbered_when_repeated():
    html = render_markdown(BODY, heading_ids=True)
    assert '<h2 id="where-it-hurts">Where it hurts</h2>' in html
    assert '<h3 id="separating-it">Separating it</h3>' in html
    assert '<h2 id="separating-it-2">Separating it</h2>' in html
    assert [(h.level, h.text, h.anchor) for h in headings(html)] == [
        (2, "Where it hurts", "where-it-hurts"),
        (3, "Separating it", "separating-it"),
        (2, "Separating it", "separating-it-2"),
        (2, "A bold & plain heading", "a-bold-plain-heading"),
    ]


def test_an_author_cannot_write_an_id_and_other_markdown_gets_none():
    html = render_markdown('<h2 id="main">Sneaky</h2>\n\n## Plain', heading_ids=True)
    assert 'id="main"' not in html
    assert '<h2 id="plain">Plain</h2>' in html
    assert "<h2>Plain</h2>" in render_markdown("## Plain")  # a course description, a newsletter


@pytest.mark.django_db
def test_the_lesson_page_shows_the_ids(client):
    course = CourseFactory(slug="c")
    module = ModuleFactory(course=course)
    lesson = LessonFactory(module=module, slug="l1", is_free=True, body_md=BODY)
    assert '<h2 id="separating-it-2">' in lesson.body_html
    page = client.get("/courses/c/l1/").content.decode()
    assert '<h2 id="where-it-hurts">Where it hurts</h2>' in page
    assert '<h2 id="separating-it-2">Separating it</h2>' in page
