"""A reload of the content folder that rewrites a live question adds a version to its
history, as a published draft would; a reload that changes nothing adds none."""

import pytest

from course import revisions
from course.content_loader import load_content
from quizzes.models import Question
from tests.quizzes.test_content import content  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_a_reload_that_rewrites_a_live_question_records_a_version(content):  # noqa: F811
    assert load_content(content).ok
    quiz_file = content / "demo" / "01-first" / "quiz.yaml"
    quiz_file.write_text(
        quiz_file.read_text().replace("Provocation tests were negative.", "Reworded why.")
    )
    assert load_content(content).ok

    question = Question.objects.get(slug="belt-line")
    assert question.version == 2
    latest, first = revisions.history(question)
    assert (latest.number, latest.note) == (2, "Loaded from the content folder")
    assert [c["explanation"] for c in latest.data["choices"]][1] == "Reworded why."
    assert [c["explanation"] for c in first.data["choices"]][1] == (
        "Provocation tests were negative."
    )

    assert load_content(content).ok  # nothing changed this time
    assert Question.objects.get(slug="belt-line").version == 2
    where = Question.objects.get(slug="where")
    assert where.version == 1 and revisions.history(where) == []


def test_a_reload_leaves_the_history_of_a_quiz_learners_cannot_see_alone(content):  # noqa: F811
    assert load_content(content).ok
    question = Question.objects.get(slug="belt-line")
    module = question.quiz.module
    module.status = module.Status.DRAFT
    module.save()
    quiz_file = content / "demo" / "01-first" / "quiz.yaml"
    quiz_file.write_text(quiz_file.read_text().replace("Most likely source?", "Which source?"))
    assert load_content(content).ok
    question.refresh_from_db()
    assert question.prompt == "Which source?" and question.version == 1
    assert revisions.history(question) == []
