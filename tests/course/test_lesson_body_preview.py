"""Beside a lesson's body in the admin: a preview rendered and cleaned as the lesson page
renders it, for staff who write lessons only, and the lesson's own diagrams to insert."""

import pytest

from tests.factories import EditorFactory, LessonFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/admin/course/lesson/markdown-preview/"
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>Map</title>'
    '<rect id="nerve-map-a" width="5" height="5"/></svg>'
)
FIGURE = {
    "name": "nerve-map",
    "caption": "Where the cluneal nerves cross the crest",
    "description": "Three nerves cross the iliac crest.",
    "svg": SVG,
}


def test_the_preview_renders_markdown_with_the_lessons_figures_and_heading_ids(client):
    client.force_login(EditorFactory())
    lesson = LessonFactory(figures=[FIGURE])
    response = client.post(
        URL,
        {
            "body_md": "## Where it hurts\n\n**Bold**\n\n[figure: nerve-map]\n",
            "lesson": lesson.pk,
            "fragment": "1",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 id="where-it-hurts">Where it hurts</h2>' in html
    assert "<strong>Bold</strong>" in html
    assert 'id="figure-nerve-map"' in html and "Where the cluneal nerves cross" in html
    assert "<html" not in html  # a fragment for the pane


def test_the_preview_removes_scripts_and_raw_html(client):
    client.force_login(StaffFactory())
    body = (
        'Hi <script>alert("x")</script> <img src=x onerror=alert(1)> '
        '[link](javascript:alert(1)) <a href="#" onclick="alert(1)">a</a>'
    )
    html = client.post(URL, {"body_md": body, "fragment": "1"}).content.decode()
    assert "<script" not in html and "onerror" not in html and "onclick" not in html
    assert "javascript:" not in html and "<img" not in html


def test_without_javascript_the_preview_is_a_page_of_its_own(client):
    client.force_login(StaffFactory())
    lesson = LessonFactory(title="Cluneal nerves")
    response = client.post(f"{URL}?lesson={lesson.pk}", {"body_md": "*Hello*"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Preview: Cluneal nerves" in page and "<em>Hello</em>" in page


def test_the_preview_is_for_staff_who_write_lessons_only(client):
    assert client.post(URL, {"body_md": "x"}).status_code == 302  # to the admin's sign-in
    client.force_login(UserFactory())
    assert client.post(URL, {"body_md": "x"}).status_code == 302
    staff = UserFactory(is_staff=True)  # staff, but no permission on lessons
    client.force_login(staff)
    assert client.post(URL, {"body_md": "x"}).status_code == 403
    client.force_login(EditorFactory())
    assert client.get(URL).status_code == 405
    assert client.post(URL, {"body_md": "x"}).status_code == 200


def test_the_body_lists_the_lessons_own_diagrams_to_insert(client):
    client.force_login(EditorFactory())
    other = {**FIGURE, "name": "other-map", "caption": "Not this lesson's"}
    lesson = LessonFactory(figures=[FIGURE])
    LessonFactory(figures=[other])
    page = client.get(f"/admin/course/lesson/{lesson.pk}/change/").content.decode()
    assert "Where the cluneal nerves cross the crest" in page
    assert 'data-insert="[figure: nerve-map]"' in page
    assert "<code>[figure: nerve-map]</code>" in page  # the syntax, for typing without JS
    assert '<rect id="nerve-map-a"' in page  # the thumbnail
    assert "Not this lesson" not in page
    assert 'src="/static/js/lesson-editor.js"' in page
    assert f'data-preview-url="{URL}"' in page


@pytest.mark.parametrize("lesson", ["abc", "99999999999999999999999", "²", ""])
def test_a_bad_lesson_id_previews_without_figures_not_an_error(client, lesson):
    client.force_login(StaffFactory())
    response = client.post(
        f"{URL}?lesson={lesson}", {"body_md": "[figure: nerve-map]", "fragment": "1"}
    )
    assert response.status_code == 200
    assert "[figure: nerve-map]" in response.content.decode()  # shown as written
