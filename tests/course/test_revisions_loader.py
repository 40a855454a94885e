"""A reload of the content folder that rewrites a live lesson adds a version to its
history, as a published draft would; a reload that changes nothing adds none."""

import pytest

from course import revisions
from course.content_loader import load_content
from course.models import Lesson
from tests.course.test_content_loader import content  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_a_reload_that_rewrites_a_live_lesson_records_a_version(content):  # noqa: F811
    load_content(content)
    path = content / "demo" / "01-first" / "02-two.md"
    path.write_text(path.read_text().replace("Some **body** text.", "New text."))
    load_content(content)
    two = Lesson.objects.get(slug="two")
    assert two.version == 2
    latest, first = revisions.history(two)
    assert (latest.number, latest.note, latest.data["body_md"]) == (
        2,
        "Loaded from the content folder",
        two.body_md,
    )
    assert "Some **body** text." in first.data["body_md"] and first.number == 1

    load_content(content)  # nothing changed this time
    assert Lesson.objects.get(slug="two").version == 2
    assert Lesson.objects.get(slug="one").version == 1
    assert revisions.history(Lesson.objects.get(slug="one")) == []


def test_a_reload_leaves_a_draft_lessons_history_alone(content):  # noqa: F811
    load_content(content)
    Lesson.objects.filter(slug="two").update(status="draft")
    path = content / "demo" / "01-first" / "02-two.md"
    path.write_text(path.read_text().replace("Some **body** text.", "New text."))
    load_content(content)
    two = Lesson.objects.get(slug="two")
    assert "New text." in two.body_md and two.version == 1
    assert revisions.history(two) == []
