"""The `source:` of every option and sources.yaml: loaded, checked, and idempotent."""

from pathlib import Path

import pytest

from course.content_loader import load_content
from quizzes.models import Choice, Quiz

pytestmark = pytest.mark.django_db

COURSE = "---\nslug: demo\ntitle: Demo\naudience: clinician\nsummary: S.\n---\nAbout.\n"
MODULE = "---\nslug: first\ntitle: First\n---\nIntro.\n"
LESSON = """---
slug: one
title: Telling them apart
summary: S.
---
## Where it hurts

Text.

## Comparison

More text.
"""
SOURCES = """course: demo
sources:
  - key: superior-cluneal
    name: Superior cluneal nerve
    short: SCN
    lesson: one
    heading: Where it hurts
  - key: sacroiliac-joint
    name: Sacroiliac joint
    short: SI joint
    lesson: one
    heading: Where it hurts
contrasts:
  - pair: [superior-cluneal, sacroiliac-joint]
    lesson: one
    heading: Comparison
"""
QUIZ = """title: First quiz
questions:
  - slug: belt-line
    twins: [ligament]
    kind: single
    case: A 50-year-old with pain at the belt line.
    prompt: What is the most likely source of his pain?
    lesson: one
    options:
      - text: Superior cluneal nerve
        correct: true
        source: superior-cluneal
        explanation: Belt line and crest tenderness.
      - text: Sacroiliac joint
        source: sacroiliac-joint
        explanation: Provocation tests were negative.
      - text: A normal MRI rules out the spine
        source: none
        explanation: It does not.
  - slug: ligament
    kind: single
    case: A 50-year-old with pain over the ligament and painful provocation tests.
    prompt: What is the most likely source of his pain?
    lesson: one
    options:
      - text: Superior cluneal nerve
        source: superior-cluneal
        explanation: The crest is not tender.
      - text: Sacroiliac joint
        correct: true
        source: sacroiliac-joint
        explanation: Provocation tests reproduce it.
"""
CHECK = """title: Check
lesson: one
questions:
  - slug: which-nerve
    kind: single
    prompt: Which nerve crosses the belt line?
    lesson: one
    options:
      - text: The superior cluneal nerves
        correct: true
        source: superior-cluneal
        explanation: They cross the crest.
      - text: The gluteal nerves
        explanation: They have no skin supply.
"""


@pytest.fixture
def content(tmp_path) -> Path:
    root = tmp_path / "content"
    (root / "demo" / "01-first").mkdir(parents=True)
    (root / "demo" / "course.md").write_text(COURSE)
    (root / "demo" / "01-first" / "module.md").write_text(MODULE)
    (root / "demo" / "01-first" / "01-one.md").write_text(LESSON)
    (root / "demo" / "01-first" / "quiz.yaml").write_text(QUIZ)
    (root / "sources.yaml").write_text(SOURCES)
    return root


def quiz_path(root: Path) -> Path:
    return root / "demo" / "01-first" / "quiz.yaml"


def sources_of(question: str) -> dict[str, str]:
    return dict(Choice.objects.filter(question__slug=question).values_list("text", "source"))


def test_each_option_keeps_the_source_it_stands_for(content):
    report = load_content(content)
    assert report.ok, report.errors
    assert sources_of("belt-line") == {
        "Superior cluneal nerve": "superior-cluneal",
        "Sacroiliac joint": "sacroiliac-joint",
        "A normal MRI rules out the spine": "",  # 'none'
    }


def test_loading_twice_changes_nothing_and_a_changed_tag_is_an_update(content):
    load_content(content)
    ids = set(Choice.objects.values_list("pk", flat=True))
    again = load_content(content)
    assert again.ok and again.created == [] and again.updated == []
    quiz_path(content).write_text(QUIZ.replace("source: none\n", "source: sacroiliac-joint\n"))
    report = load_content(content)
    assert report.updated == ["option belt-line/A normal MRI rules out the spine (source)"]
    assert sources_of("belt-line")["A normal MRI rules out the spine"] == "sacroiliac-joint"
    assert set(Choice.objects.values_list("pk", flat=True)) == ids


def test_an_unknown_source_is_named_with_its_file_question_and_option(content):
    quiz_path(content).write_text(QUIZ.replace("source: sacroiliac-joint", "source: si-joint", 1))
    report = load_content(content)
    assert [e.path for e in report.errors] == [quiz_path(content)]
    problem = report.errors[0].problem
    assert problem.startswith("question belt-line, option 2: ")
    assert "'si-joint'" in problem and "not a key of sources.yaml" in problem
    assert not Quiz.objects.exists()


def test_a_module_quiz_option_without_a_source_is_refused_by_name(content):
    quiz_path(content).write_text(QUIZ.replace("        source: none\n", ""))
    report = load_content(content)
    assert [e.path for e in report.errors] == [quiz_path(content)]
    problem = report.errors[0].problem
    assert problem.startswith("question belt-line, option 3: ")
    assert "'A normal MRI rules out the spine' has no 'source'" in problem
    assert not Quiz.objects.exists()


def test_a_self_check_may_tag_some_options_and_leave_the_rest(content):
    (content / "demo" / "01-first" / "01-one.quiz.yaml").write_text(CHECK)
    report = load_content(content)
    assert report.ok, report.errors
    assert sources_of("which-nerve") == {
        "The superior cluneal nerves": "superior-cluneal",
        "The gluteal nerves": "",
    }


def test_a_source_needs_a_sources_file(content):
    (content / "sources.yaml").unlink()
    report = load_content(content)
    assert [e.path for e in report.errors] == [quiz_path(content)]
    assert "needs a sources.yaml" in report.errors[0].problem


def test_without_a_sources_file_module_quizzes_need_no_tags(content):
    (content / "sources.yaml").unlink()
    quiz_path(content).write_text(
        "\n".join(line for line in QUIZ.splitlines() if "source:" not in line)
    )
    report = load_content(content)
    assert report.ok, report.errors
    assert set(Choice.objects.values_list("source", flat=True)) == {""}


BAD_SOURCES = [
    (
        "heading not in the lesson",
        ("heading: Comparison", "heading: Side by side"),
        "contrast sacroiliac-joint / superior-cluneal: lesson one has no heading 'Side by side'",
    ),
    (
        "lesson not in the course",
        ("    lesson: one\n    heading: Comparison", "    lesson: two\n    heading: Comparison"),
        "'lesson' 'two' is not a lesson of demo",
    ),
    ("course not loaded", ("course: demo", "course: other"), "'course' 'other' is not a course"),
]


@pytest.mark.parametrize(
    ("label", "change", "problem"), BAD_SOURCES, ids=[b[0] for b in BAD_SOURCES]
)
def test_a_passage_that_is_not_there_is_named_and_quizzes_still_load(
    content, label, change, problem
):
    (content / "sources.yaml").write_text(SOURCES.replace(*change))
    report = load_content(content)
    assert [e.path for e in report.errors] == [content / "sources.yaml"]
    assert problem in report.errors[0].problem
    assert Quiz.objects.count() == 1  # the keys were readable, so the tags were checked


BROKEN_SOURCES = [
    (
        "key twice",
        ("key: sacroiliac-joint", "key: superior-cluneal"),
        "source superior-cluneal: the key 'superior-cluneal' is used twice",
    ),
    (
        "pair names an unknown key",
        ("pair: [superior-cluneal, sacroiliac-joint]", "pair: [superior-cluneal, hip-joint]"),
        "contrast 1: 'pair' names 'hip-joint', which is not a key under 'sources'",
    ),
    (
        "pair twice",
        (
            "contrasts:\n",
            "contrasts:\n  - pair: [sacroiliac-joint, superior-cluneal]\n"
            "    lesson: one\n    heading: Comparison\n",
        ),
        "contrast 2: the pair superior-cluneal / sacroiliac-joint is listed twice",
    ),
    ("a pair of one", ("sacroiliac-joint]", "superior-cluneal]"), "two different sources"),
    (
        "missing name",
        ("    name: Sacroiliac joint\n", ""),
        "source sacroiliac-joint: 'name' is missing",
    ),
]


@pytest.mark.parametrize(
    ("label", "change", "problem"), BROKEN_SOURCES, ids=[b[0] for b in BROKEN_SOURCES]
)
def test_a_sources_file_that_cannot_be_read_stops_the_quizzes_it_would_check(
    content, label, change, problem
):
    (content / "sources.yaml").write_text(SOURCES.replace(*change))
    report = load_content(content)
    assert [e.path for e in report.errors] == [content / "sources.yaml", quiz_path(content)]
    assert problem in report.errors[0].problem
    assert "sources.yaml has errors" in report.errors[1].problem
    assert not Quiz.objects.exists()
