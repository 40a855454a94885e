"""Lessons with diagrams, boxes and references: loaded, checked, shown."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from course.content_loader import load_content
from course.models import Lesson, LessonProgress, Reference
from tests.course.test_content_loader import _write
from tests.factories import EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db

SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 400">
  <title>Nerves of the buttock</title>
  <desc>Schematic, right side from behind.</desc>
  <defs><marker id="nerves-arrow" markerWidth="6" markerHeight="6" refX="3" refY="3">
    <path d="M0,0 L6,3 L0,6 z" fill="#1f2933"/></marker></defs>
  <path d="M10 10 L300 200" stroke="#c2410c" stroke-width="6" marker-end="url(#nerves-arrow)"/>
  <text x="20" y="380" font-size="22" font-family="sans-serif">Superior cluneal nerves</text>
</svg>
"""

LESSON = """---
slug: nerves
title: The nerves
summary: What it covers.
authors: Clinical editorial team
reviewed: 2026-11-27
objectives:
  - Name the nerves.
key_points:
  - front: A question?
    back: An answer.
sources:
  - kuniya-2014
  - ng
figures:
  - file: nerves.svg
    caption: The nerves <b>from behind</b>.
    description: |
      The **superior cluneal nerves** cross the iliac crest.
---
## Where they run

[figure: nerves]

!!! warning "Get help now"
    Numbness between the legs is an emergency.

!!! disagree "Where experts disagree"
    The sources give different roots.

<div class="admonition warning" onclick="x()">raw HTML is removed</div>
"""

REFERENCES = """kuniya-2014:
  citation: "Kuniya H, et al. Prevalence of superior cluneal nerve entrapment. JOSR. 2014."
  kind: primary
  note: "113 of 834."
ng:
  citation: "Ng. A magazine review."
  kind: secondary
"""


@pytest.fixture
def content(tmp_path) -> Path:
    root = tmp_path / "content"
    _write(root / "references.yaml", REFERENCES)
    _write(
        root / "demo" / "course.md",
        "---\nslug: demo\ntitle: Demo\naudience: clinician\nsummary: A demo.\n---\nAbout.\n",
    )
    module = root / "demo" / "01-first"
    _write(module / "module.md", "---\nslug: first\ntitle: First\n---\nIntro.\n")
    _write(module / "nerves.svg", SVG)
    _write(module / "01-nerves.md", LESSON)
    return root


def test_lesson_loads_with_its_figure_boxes_authors_and_sources(content):
    report = load_content(content)
    assert report.ok, [str(e) for e in report.errors]
    lesson = Lesson.objects.get(slug="nerves")
    assert lesson.authors == "Clinical editorial team"
    assert str(lesson.reviewed_on) == "2026-11-27"
    assert lesson.sources == ["kuniya-2014", "ng"]
    html = lesson.body_html
    assert '<figure class="diagram" id="figure-nerves">' in html
    assert 'role="img"' in html and 'aria-labelledby="nerves-title"' in html
    assert '<title id="nerves-title">Nerves of the buttock</title>' in html
    # The caption is escaped text; the description is sanitised Markdown.
    assert "The nerves &lt;b&gt;from behind&lt;/b&gt;." in html
    assert "The diagram in words" in html and "<strong>superior cluneal nerves</strong>" in html
    assert '<div class="admonition warning">' in html
    assert '<div class="admonition disagree">' in html
    assert "onclick" not in html and "raw HTML is removed" in html
    assert "[figure: nerves]" not in html
    assert Reference.objects.get(key="kuniya-2014").kind == "primary"
    assert load_content(content).updated == []


SVG_PROBLEMS = [
    ("script", SVG.replace("<desc>", "<script>alert(1)</script><desc>"), "<script> is not allowed"),
    ("style", SVG.replace('stroke="#c2410c"', 'style="stroke:red"'), "'style'"),
    ("handler", SVG.replace("<path d=", '<path onload="x()" d='), "'onload'"),
    ("link", SVG.replace("<desc>", '<a href="https://x.test"/><desc>'), "<a> is not allowed"),
    ("external ref", SVG.replace("url(#nerves-arrow)", "url(https://x.test/a)"), "only url(#id)"),
    ("id prefix", SVG.replace('id="nerves-arrow"', 'id="arrow"'), "must start with 'nerves-'"),
    ("tiny text", SVG.replace('font-size="22"', 'font-size="12"'), "too small to read"),
    ("no title", SVG.replace("<title>Nerves of the buttock</title>", ""), "non-empty <title>"),
    (
        "fixed size",
        SVG.replace('viewBox="0 0 600 400"', 'viewBox="0 0 600 400" width="600"'),
        "width",
    ),
    ("entity", '<!DOCTYPE svg [<!ENTITY x "y">]>' + SVG, "DOCTYPE"),
]


@pytest.mark.parametrize(
    ("label", "svg", "problem"), SVG_PROBLEMS, ids=[p[0] for p in SVG_PROBLEMS]
)
def test_a_diagram_outside_the_subset_is_named_and_its_lesson_not_loaded(
    content, label, svg, problem
):
    _write(content / "demo" / "01-first" / "nerves.svg", svg)
    report = load_content(content)
    assert len(report.errors) == 1, report.errors
    assert report.errors[0].path.name == "01-nerves.md"
    assert "nerves.svg" in report.errors[0].problem and problem in report.errors[0].problem
    assert not Lesson.objects.filter(slug="nerves").exists()


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("[figure: nerves]\n", ""), "must be placed once"),
        (("[figure: nerves]\n", "[figure: nerves]\n\n[figure: nerves]\n"), "must be placed once"),
        (("[figure: nerves]\n", "[figure: nerves]\n\n[figure: other]\n"), "[figure: other]"),
        (("file: nerves.svg", "file: ../../../outside.svg"), "inside the content folder"),
        (("file: nerves.svg", "file: missing.svg"), "does not exist"),
        (("reviewed: 2026-11-27", "reviewed: last week"), "'reviewed' must be a date"),
        (("  - ng\n", "  - wikipedia\n"), "unknown value(s) wikipedia"),
    ],
)
def test_figure_and_front_matter_mistakes_are_named(content, change, problem):
    path = content / "demo" / "01-first" / "01-nerves.md"
    path.write_text(LESSON.replace(*change))
    _write(content.parent / "outside.svg", SVG)
    report = load_content(content)
    assert [e.path for e in report.errors] == [path]
    assert problem in report.errors[0].problem


def test_renamed_lesson_keeps_its_learners_progress(content):
    load_content(content)
    lesson = Lesson.objects.get(slug="nerves")
    user = UserFactory()
    LessonProgress.objects.create(user=user, lesson=lesson, course=lesson.course)
    path = content / "demo" / "01-first" / "01-nerves.md"
    path.write_text(LESSON.replace("slug: nerves\n", "slug: buttock-nerves\nformerly: [nerves]\n"))
    report = load_content(content)
    assert report.ok, report.errors
    assert Lesson.objects.get(pk=lesson.pk).slug == "buttock-nerves"
    assert LessonProgress.objects.filter(user=user, lesson_id=lesson.pk).exists()
    assert Lesson.objects.count() == 1


def test_lesson_page_shows_authors_review_date_figure_and_full_citations(client, content):
    load_content(content)
    lesson = Lesson.objects.get(slug="nerves")
    user = UserFactory()
    EnrollmentFactory(user=user, course=lesson.course)
    client.force_login(user)
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert "Written by Clinical editorial team" in page
    assert 'Last reviewed <time datetime="2026-11-27">27 November 2026</time>' in page
    assert "<svg" in page and "Figure 1." in page
    assert "Kuniya H, et al. Prevalence of superior cluneal nerve entrapment." in page
    assert "Primary study" in page and "113 of 834." in page


def test_locked_lesson_page_shows_no_citations_or_figure(client, content):
    load_content(content)
    lesson = Lesson.objects.get(slug="nerves")
    client.force_login(UserFactory())
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert "<svg" not in page.split('class="lesson"')[1].split("</article>")[0]
    assert "Kuniya H" not in page


def test_course_reference_list_groups_works_and_links_the_lessons_citing_them(client, content):
    load_content(content)
    lesson = Lesson.objects.get(slug="nerves")
    page = client.get(f"/courses/{lesson.course.slug}/references/").content.decode()
    primary = page.index("Primary studies")
    secondary = page.index("Source documents")
    assert primary < page.index("Kuniya H, et al.") < secondary < page.index("Ng. A magazine")
    assert f'href="{lesson.get_absolute_url()}"' in page


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("ng:\n  kind: secondary\n", "ng: 'citation' is missing"),
        ('ng:\n  citation: "A."\n  kind: blog\n', "ng: 'kind' must be one of"),
        ('ng:\n  citation: "A."\n  kind: review\n  doi: x\n', "unknown key(s) doi"),
        ("Not A Slug:\n  citation: A.\n  kind: review\n", "is not a slug"),
    ],
)
def test_a_bad_reference_is_named_and_nothing_loads(content, text, problem):
    _write(content / "references.yaml", text)
    report = load_content(content)
    assert [e.path.name for e in report.errors] == ["references.yaml"]
    assert problem in report.errors[0].problem
    assert not Lesson.objects.exists() and not Reference.objects.exists()


def test_reference_list_and_lesson_page_query_counts_do_not_grow(client, content):
    def counts() -> tuple[int, int]:
        lesson = Lesson.objects.get(slug="nerves")
        client.get(lesson.get_absolute_url())  # the first visit also records progress
        with CaptureQueriesContext(connection) as listing:
            assert client.get(f"/courses/{lesson.course.slug}/references/").status_code == 200
        with CaptureQueriesContext(connection) as page:
            assert client.get(lesson.get_absolute_url()).status_code == 200
        return len(listing), len(page)

    module = content / "demo" / "01-first"

    def add_lessons(numbers) -> None:
        for n in numbers:
            text = LESSON.replace("slug: nerves", f"slug: nerves-{n}").split("figures:")[0]
            _write(module / f"0{n}-nerves-{n}.md", text + "---\nBody.\n")
        assert load_content(content).ok

    add_lessons([2])
    user = UserFactory()
    EnrollmentFactory(user=user, course=Lesson.objects.get(slug="nerves").course)
    client.force_login(user)
    before = counts()
    add_lessons(range(3, 8))
    assert counts() == before
