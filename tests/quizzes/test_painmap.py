"""The pain map's text and lesson links come from course/content/painmap.yaml, checked by
the content loader like every other content file."""

import shutil
from pathlib import Path

import pytest
import yaml

from course.content_loader import CONTENT_DIR, load_content
from course.models import Lesson
from lib.content import ContentError
from quizzes.painmap import (
    BY_KEY,
    PAIN_MAP_FILE,
    REGION_CHOICES,
    REGIONS,
    SHAPES,
    parse_pain_map,
    regions_for_lesson,
)

COURSE = "---\nslug: demo\ntitle: Demo\naudience: patient\nsummary: S.\n---\nAbout.\n"
MODULE = "---\nslug: first\ntitle: First\n---\nIntro.\n"
LESSON = "---\nslug: {slug}\ntitle: T\nsummary: S.\n---\nBody.\n"


def _shipped() -> list[dict]:
    return yaml.safe_load((CONTENT_DIR / PAIN_MAP_FILE).read_text(encoding="utf-8"))


def _pointing_at_demo() -> list[dict]:
    """The shipped regions, each pointing at the demo course's lesson `one`."""
    regions = _shipped()
    for region in regions:
        region["lessons"] = {"demo": ["one"]}
    return regions


@pytest.fixture
def content(tmp_path) -> Path:
    root = tmp_path / "content"
    (root / "demo" / "01-first").mkdir(parents=True)
    (root / "demo" / "course.md").write_text(COURSE)
    (root / "demo" / "01-first" / "module.md").write_text(MODULE)
    (root / "demo" / "01-first" / "01-one.md").write_text(LESSON.format(slug="one"))
    return root


def _write_map(root: Path, regions) -> Path:
    path = root / PAIN_MAP_FILE
    path.write_text(yaml.safe_dump(regions, sort_keys=False), encoding="utf-8")
    return path


def test_the_shipped_pain_map_reads_whole_and_in_order():
    assert [r.key for r in REGIONS] == list(SHAPES)
    assert set(BY_KEY) == set(SHAPES)
    assert REGION_CHOICES[0] == ("upper-buttock", "Upper buttock")
    for region in REGIONS:
        assert region.name and region.description and region.lessons, region.key
        assert region.nerves and region.irritants and region.mimics, region.key
        assert "\n" not in region.description and "  " not in region.description
    # Warnings that must not wait are where the clinical text put them.
    assert "cauda equina" in BY_KEY["sitting-bone"].warning
    assert BY_KEY["upper-buttock"].warning == ""
    # Drawn on both sides of the back view, mirrored about the midline; only the side of
    # the hip in the side view too.
    upper = BY_KEY["upper-buttock"]
    assert [(s.view, s.side, s.x, s.y) for s in upper.hotspots] == [
        ("back", "right", 311, 128),
        ("back", "left", 400 - 311, 128),
    ]
    assert [(s.view, s.x, s.y) for s in BY_KEY["side-of-hip"].side_spots] == [("side", 128, 230)]
    keys = {r.key for r in regions_for_lesson("buttock-nerve-pain-self-help", "gluteal-nerves")}
    assert keys == {"deep-mid-buttock", "side-of-hip"}


@pytest.mark.django_db
def test_the_shipped_pain_map_points_only_at_shipped_lessons(tmp_path):
    shutil.copytree(CONTENT_DIR, tmp_path / "content")
    report = load_content(tmp_path / "content")
    assert report.ok, [str(e) for e in report.errors]
    lessons = set(Lesson.objects.values_list("course__slug", "slug"))
    for region in REGIONS:
        assert set(region.lessons) <= lessons, region.key


@pytest.mark.django_db
def test_renaming_a_lesson_the_map_points_to_is_caught(tmp_path):
    shutil.copytree(CONTENT_DIR, tmp_path / "content")
    (lesson,) = [
        p
        for p in (tmp_path / "content" / "self-help").rglob("*.md")
        if "\nslug: gluteal-nerves\n" in p.read_text(encoding="utf-8")
    ]
    lesson.write_text(lesson.read_text().replace("slug: gluteal-nerves\n", "slug: glutes\n"))
    report = load_content(tmp_path / "content")
    # The lesson's own self-check quiz fails too; the map names itself once.
    (problem,) = [e.problem for e in report.errors if e.path.name == PAIN_MAP_FILE]
    assert "'lessons' names lesson 'gluteal-nerves', which is not a lesson of" in problem
    assert "buttock-nerve-pain-self-help" in problem


@pytest.mark.django_db
def test_a_pain_map_pointing_at_loaded_lessons_loads_and_saves_nothing(content):
    _write_map(content, _pointing_at_demo())
    report = load_content(content)
    assert report.ok, [str(e) for e in report.errors]
    assert report.created == ["course demo", "module demo/first", "lesson demo/one"]
    assert parse_pain_map(content / PAIN_MAP_FILE)[0].lessons == (("demo", "one"),)


def _unknown_lesson(regions):
    regions[2]["lessons"] = {"demo": ["one", "two"]}


def _unknown_course(regions):
    regions[0]["lessons"] = {"elsewhere": ["one"]}


def _missing_description(regions):
    del regions[1]["description"]


def _no_nerves(regions):
    regions[3]["nerves"] = []


def _no_lessons(regions):
    del regions[4]["lessons"]


def _same_region_twice(regions):
    regions[5] = {**regions[0]}


def _region_not_drawn(regions):
    regions[0]["key"] = "knee"


def _unknown_field(regions):
    regions[0]["colour"] = "blue"


BAD_MAPS = [
    ("unknown lesson", _unknown_lesson, "region sitting-bone: 'lessons' names lesson 'two'"),
    ("unknown course", _unknown_course, "names course 'elsewhere'"),
    ("missing field", _missing_description, "region sacroiliac: 'description' is missing"),
    ("empty list", _no_nerves, "region back-of-thigh: 'nerves' is missing"),
    ("no lessons", _no_lessons, "region deep-mid-buttock: 'lessons' is missing"),
    ("duplicate region", _same_region_twice, "region upper-buttock: this key is used by an"),
    ("not drawn", _region_not_drawn, "region knee: 'key' must be one of back-of-thigh"),
    ("unknown field", _unknown_field, "unknown key(s) colour; allowed: description,"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("label", "spoil", "problem"), BAD_MAPS, ids=[b[0] for b in BAD_MAPS])
def test_a_bad_pain_map_is_named_with_its_problem(content, label, spoil, problem):
    regions = _pointing_at_demo()
    spoil(regions)
    path = _write_map(content, regions)
    report = load_content(content)
    assert [e.path for e in report.errors] == [path]
    assert problem in report.errors[0].problem, report.errors[0].problem
    assert str(path) in str(report.errors[0])
    # The courses and lessons still load.
    assert report.created == ["course demo", "module demo/first", "lesson demo/one"]


@pytest.mark.django_db
def test_a_key_written_twice_or_a_region_left_out_is_an_error(content):
    path = _write_map(content, _pointing_at_demo())
    text = path.read_text()
    path.write_text(text.replace("  name: Upper buttock\n", "  name: Upper buttock\n  name: Top\n"))
    report = load_content(content)
    assert "the key 'name' is written twice" in report.errors[0].problem
    _write_map(content, _pointing_at_demo()[:5])
    (error,) = load_content(content).errors
    assert error.path == path and "missing side-of-hip" in error.problem


def test_the_shipped_file_is_read_with_the_same_checks(tmp_path):
    path = _write_map(tmp_path, [{"key": "upper-buttock"}])
    with pytest.raises(ContentError, match="region upper-buttock: 'name' is missing"):
        parse_pain_map(path)
    (tmp_path / PAIN_MAP_FILE).write_text("key: [unclosed\n")
    with pytest.raises(ContentError, match="cannot be read as YAML"):
        parse_pain_map(path)
