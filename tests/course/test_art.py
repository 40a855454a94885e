"""The illustrations: inline SVG that takes its colours from the site's tokens, so that dark
mode and the Content-Security-Policy (no inline styles) both hold."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string

from course.models import Course
from course.services import enrollment_create
from tests.factories import (
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    UserFactory,
    finish_lesson,
)

SVG_NS = "{http://www.w3.org/2000/svg}"
ART = ["hero", "course-patient", "course-clinician", "achievement"]
# Drawings that may appear more than once on a page (a list of courses) must not carry
# ids, or the page would repeat them.
REPEATABLE = ["course-patient", "course-clinician", "achievement"]
SHAPES = {"path", "circle", "rect", "ellipse", "line", "polygon", "polyline"}
HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})\b")
ART_CSS = Path(settings.BASE_DIR) / "static" / "css" / "site.css"


def render(name, label=None):
    context = {"label": label} if label is not None else {}
    return render_to_string(f"includes/art/{name}.svg.html", context)


def parse(text):
    return ET.fromstring(text)  # noqa: S314 (our own templates, not untrusted input)


def local(tag):
    return tag.removeprefix(SVG_NS)


@pytest.mark.parametrize("name", ART)
def test_renders_one_svg_with_a_viewbox_and_size_left_to_css(name):
    root = parse(render(name))
    assert root.tag == f"{SVG_NS}svg"
    numbers = [float(n) for n in root.attrib["viewBox"].split()]
    assert len(numbers) == 4 and numbers[2] > 0 and numbers[3] > 0
    assert "width" not in root.attrib and "height" not in root.attrib
    assert "art-svg" in root.attrib["class"].split()


@pytest.mark.parametrize("name", ART)
def test_no_inline_style_and_no_literal_colour(name):
    text = render(name)
    assert "style=" not in text.lower()
    assert "<style" not in text.lower() and "<script" not in text.lower()
    assert not HEX_COLOUR.search(text)
    assert "rgb(" not in text and "hsl(" not in text
    for element in parse(text).iter():
        for attribute in ("fill", "stroke", "stop-color", "color"):
            # "none" is not a colour; every real colour comes from a class.
            assert element.attrib.get(attribute, "none") == "none", (element.tag, attribute)


@pytest.mark.parametrize("name", ART)
def test_every_shape_is_coloured_by_a_class_that_the_stylesheet_defines(name):
    root = parse(render(name))
    defined = set(re.findall(r"\.(art-[\w-]+)", ART_CSS.read_text()))
    used = set()

    def walk(element, classed, in_clip):
        classes = element.attrib.get("class", "").split()
        used.update(classes)
        classed = classed or bool(classes)
        in_clip = in_clip or local(element.tag) == "clipPath"
        if local(element.tag) in SHAPES and not in_clip:
            assert classed, f"{local(element.tag)} with no class to colour it"
        for child in element:
            walk(child, classed, in_clip)

    # The root's own classes name the drawing; they colour nothing.
    for child in root:
        walk(child, False, False)
    assert used and used - defined == set()


@pytest.mark.parametrize("name", ART)
def test_labelled_drawing_is_an_image_with_a_title(name):
    root = parse(render(name, label="Nerves & bones <seen from behind>"))
    assert root.attrib["role"] == "img"
    assert "aria-hidden" not in root.attrib
    first = root[0]
    assert local(first.tag) == "title"
    assert first.text == "Nerves & bones <seen from behind>"


@pytest.mark.parametrize("name", ART)
def test_unlabelled_drawing_is_hidden_from_assistive_technology(name):
    root = parse(render(name))
    assert root.attrib["aria-hidden"] == "true"
    assert root.attrib["focusable"] == "false"
    assert "role" not in root.attrib
    assert root.find(f"{SVG_NS}title") is None


@pytest.mark.parametrize("name", ART)
def test_drawing_stays_small(name):
    assert len(render(name, label="A label").encode()) < 8 * 1024


@pytest.mark.parametrize("name", REPEATABLE)
def test_repeatable_drawing_has_no_ids(name):
    assert all("id" not in element.attrib for element in parse(render(name)).iter())


def test_hero_ids_are_prefixed_unique_and_all_defined():
    root = parse(render("hero"))
    ids = [element.attrib["id"] for element in root.iter() if "id" in element.attrib]
    assert ids and len(ids) == len(set(ids))
    assert all(i.startswith("art-hero-") for i in ids)
    references = set(re.findall(r"#(art-[\w-]+)", render("hero")))
    assert references <= set(ids)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("audience", "shown", "not_shown"),
    [
        (Course.Audience.PATIENT, "course-patient", "course-clinician"),
        (Course.Audience.CLINICIAN, "course-clinician", "course-patient"),
    ],
)
def test_course_page_shows_the_drawing_for_its_audience(client, audience, shown, not_shown):
    course = CourseFactory(audience=audience)
    response = client.get(course.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="art-svg art-course"') == 1
    assert render(shown) in html and render(not_shown) not in html


@pytest.mark.django_db
def test_completion_page_shows_the_achievement_mark(client, on_commit):
    course = CourseFactory(slug="self-help", audience=Course.Audience.PATIENT)
    lesson = LessonFactory(module=ModuleFactory(course=course))
    course.require_quizzes_passed = False
    course.save()
    user = UserFactory()
    enrollment_create(user=user, course=course)
    with on_commit():
        finish_lesson(user, lesson)
    client.force_login(user)
    html = client.get("/courses/self-help/complete/").content.decode()
    assert render("achievement") in html
