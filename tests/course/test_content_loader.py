import ast
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from course.content_loader import CONTENT_DIR, load_content
from course.models import Course, Lesson, Module, Reference
from lib.content import LoaderRegistry, loaders

pytestmark = pytest.mark.django_db

LESSON = """---
slug: {slug}
title: {title}
summary: What it covers.
minutes: 5
objectives:
  - Do a thing.
key_points:
  - front: A question?
    back: An answer.
sources:
  - ng
---
## A heading

Some **body** text. <script>alert(1)</script>
"""


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def content(tmp_path) -> Path:
    root = tmp_path / "content"
    _write(
        root / "references.yaml",
        'ng:\n  citation: "A magazine review."\n  kind: secondary\n',
    )
    _write(
        root / "demo" / "course.md",
        "---\nslug: demo\ntitle: Demo\naudience: patient\nsummary: A demo.\n---\nAbout it.\n",
    )
    _write(
        root / "demo" / "01-first" / "module.md", "---\nslug: first\ntitle: First\n---\nIntro.\n"
    )
    _write(root / "demo" / "01-first" / "01-one.md", LESSON.format(slug="one", title="One"))
    _write(root / "demo" / "01-first" / "02-two.md", LESSON.format(slug="two", title="Two"))
    return root


def test_loads_courses_modules_and_lessons_published_and_sanitised(content):
    report = load_content(content)
    assert report.ok, report.errors
    assert len(report.created) == 5  # the reference, the course, the module, two lessons
    one = Lesson.objects.get(slug="one")
    assert one.is_live() and one.module.slug == "first" and one.course.slug == "demo"
    assert (
        '<h2 id="a-heading">A heading</h2>' in one.body_html
        and "<strong>body</strong>" in one.body_html
    )
    assert "<script>" not in one.body_html
    assert one.key_points == [{"front": "A question?", "back": "An answer."}]
    assert [x.slug for x in Lesson.objects.order_by("order")] == ["one", "two"]


def test_running_again_changes_nothing(content):
    load_content(content)
    stamps = {x.slug: x.updated_at for x in Lesson.objects.all()}
    report = load_content(content)
    assert report.ok and report.created == [] and report.updated == []
    assert report.unchanged == 5
    assert {x.slug: x.updated_at for x in Lesson.objects.all()} == stamps


def test_editing_a_file_updates_only_that_lesson(content):
    load_content(content)
    path = content / "demo" / "01-first" / "02-two.md"
    path.write_text(path.read_text().replace("Some **body** text.", "New text."))
    report = load_content(content)
    assert report.updated == ["lesson demo/two (body_md, body_html)"]
    assert "New text." in Lesson.objects.get(slug="two").body_html
    assert "Some" in Lesson.objects.get(slug="one").body_html


def test_reload_keeps_an_editors_unpublish(content):
    load_content(content)
    Lesson.objects.filter(slug="one").update(status="draft")
    load_content(content)
    assert Lesson.objects.get(slug="one").status == "draft"


BAD_FILES = [
    ("no front matter", "Just text.\n", "must start with a front matter block"),
    ("unclosed", "---\nslug: x\n", "not closed"),
    ("bad yaml", "---\nslug: [x\n---\nBody\n", "not valid YAML"),
    ("not a mapping", "---\n- a\n---\nBody\n", "'key: value'"),
    (
        "unknown key",
        LESSON.format(slug="x", title="X").replace("minutes:", "minuets:"),
        "unknown key(s) minuets",
    ),
    ("missing title", LESSON.format(slug="x", title="''"), "'title' is missing"),
    ("bad slug", LESSON.format(slug="Not A Slug", title="X"), "'slug' must be lower-case"),
    (
        "bad card",
        LESSON.format(slug="x", title="X").replace("    back: An answer.\n", ""),
        "'key_points' item 1",
    ),
    (
        "unknown source",
        LESSON.format(slug="x", title="X").replace("  - ng", "  - wiki"),
        "'sources' has unknown value(s) wiki",
    ),
    ("empty body", "---\nslug: x\ntitle: X\nsummary: S\n---\n\n", "body after the front matter"),
    ("duplicate slug", LESSON.format(slug="one", title="Again"), "slug 'one' is already used"),
]


@pytest.mark.parametrize(("label", "text", "problem"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_malformed_lesson_is_named_and_nothing_from_it_loads(content, label, text, problem):
    bad = _write(content / "demo" / "01-first" / "03-bad.md", text)
    report = load_content(content)
    assert len(report.errors) == 1
    assert report.errors[0].path == bad
    assert problem in report.errors[0].problem
    # The good files still load; nothing from the bad one does.
    assert set(Lesson.objects.values_list("slug", flat=True)) == {"one", "two"}


def test_a_malformed_lesson_does_not_half_update_an_existing_one(content):
    load_content(content)
    path = content / "demo" / "01-first" / "02-two.md"
    path.write_text(
        path.read_text()
        .replace("title: Two", "title: Changed")
        .replace("minutes: 5", "minutes: -1")
    )
    report = load_content(content)
    assert "'minutes' must be a whole number" in report.errors[0].problem
    assert Lesson.objects.get(slug="two").title == "Two"


def test_a_malformed_course_file_loads_nothing_of_that_course(content):
    _write(
        content / "demo" / "course.md", "---\nslug: demo\ntitle: Demo\naudience: everyone\n---\nX\n"
    )
    report = load_content(content)
    assert "'audience' must be one of clinician, patient" in str(report.errors[0])
    assert not Course.objects.exists() and not Module.objects.exists()


def test_command_reports_the_file_and_fails(content, capsys):
    _write(content / "demo" / "01-first" / "03-bad.md", "no front matter")
    with pytest.raises(CommandError, match="1 file"):
        call_command("load_content", path=content)
    err = capsys.readouterr().err
    assert "03-bad.md" in err and "front matter" in err


def test_shipped_content_loads_without_errors_and_is_complete(tmp_path):
    shutil.copytree(CONTENT_DIR, tmp_path / "content")
    report = load_content(tmp_path / "content")
    assert report.ok, [str(e) for e in report.errors]
    patient = Course.objects.get(audience="patient")
    clinician = Course.objects.get(audience="clinician")
    assert patient.lessons.count() == 7
    assert clinician.modules.count() == 5
    free = list(Lesson.objects.filter(is_free=True))
    assert [x.slug for x in free] == ["is-my-pain-from-a-nerve"]
    assert free[0].course == patient and free[0].order == 1
    for lesson in Lesson.objects.all():
        words = len(lesson.body_md.split())
        assert words > 500, f"{lesson.slug} has only {words} words"
        assert lesson.key_points and lesson.objectives and lesson.sources, lesson.slug
        lowered = lesson.body_md.lower()
        for marker in ("lorem", "todo", "tbd", "placeholder", "xxx"):
            assert marker not in lowered, f"{lesson.slug} contains {marker!r}"


PEOPLE_CITED = ("grimaldi", "mcnab", "knight", "aota", "kuniya", "tubbs", "smoll", "maigne")


def test_patient_lessons_gather_who_said_what_into_one_box_and_warn_where_it_matters(
    tmp_path,
):
    shutil.copytree(CONTENT_DIR, tmp_path / "content")
    assert load_content(tmp_path / "content").ok
    for lesson in Lesson.objects.filter(course__audience="patient"):
        html = lesson.body_html
        assert html.count('<div class="admonition disagree">') == 1, lesson.slug
        start = html.index('<div class="admonition disagree">')
        end = html.index("</div>", start)
        outside = (html[:start] + html[end:]).lower()
        named = [name for name in PEOPLE_CITED if name in outside]
        assert not named, (lesson.slug, named)
        # Red flags are in the lessons, not only in the page footer.
        assert '<div class="admonition warning">' in html, lesson.slug
    free = Lesson.objects.get(is_free=True).body_html.lower()
    for sign in ("urine", "bowel", "between your legs", "both", "fever", "cancer", "fall"):
        assert sign in free, sign


def test_every_shipped_lesson_names_its_authors_review_date_and_sources(tmp_path):
    shutil.copytree(CONTENT_DIR, tmp_path / "content")
    assert load_content(tmp_path / "content").ok
    kinds = dict(Reference.objects.values_list("key", "kind"))
    for lesson in Lesson.objects.select_related("course"):
        assert lesson.authors and lesson.reviewed_on, lesson.slug
        assert set(lesson.sources) <= set(kinds), lesson.slug
        if lesson.course.audience == "clinician":
            # Not only the secondary documents the course began from.
            assert {kinds[k] for k in lesson.sources} - {"secondary"}, lesson.slug


def test_the_registry_runs_loaders_in_order_and_each_sees_what_earlier_ones_left(tmp_path):
    registry = LoaderRegistry()
    calls = []

    def first(root, report, loaded):
        calls.append(("first", root))
        loaded["courses"] = ["demo"]
        report.created.append("course demo")

    def second(root, report, loaded):
        calls.append(("second", loaded["courses"]))
        report.unchanged += 1

    registry.register("first", first)
    registry.register("second", second)
    registry.register("first", first)  # registering again keeps its place
    report = registry.run(tmp_path)
    assert registry.names == ["first", "second"]
    assert calls == [("first", tmp_path), ("second", ["demo"])]
    assert report.created == ["course demo"] and report.unchanged == 1


def test_each_app_registers_its_loader_in_app_order():
    names = loaders.names
    assert names.index("courses") < names.index("quizzes") < names.index("pain map")


def test_the_content_kit_imports_no_app_and_the_course_loader_does_not_reach_up():
    root = Path(__file__).resolve().parents[2]
    apps = {p.parent.name for p in root.glob("*/apps.py")}
    assert {"course", "quizzes"} <= apps

    def imported(path: Path) -> set[str]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        return names

    assert not imported(root / "lib" / "content.py") & apps
    for path in [root / "course" / "content_loader.py", *root.glob("course/management/**/*.py")]:
        assert "quizzes" not in imported(path), path
