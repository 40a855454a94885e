"""A quiz question has revisions (course.revisions): its data is its words and all its
options; publishing writes them at once, options updated in place, new ones created and
removed ones retired, never deleted. Learners see the published version meanwhile."""

import uuid

import pytest

from course import revisions
from course.models import Revision
from lib.errors import AppError
from quizzes.models import Choice, Question
from quizzes.painmap import REGIONS
from quizzes.revisions import QuestionVersioned
from quizzes.services import attempt_submit
from tests.factories import (
    ClinicianFactory,
    EnrollmentFactory,
    LessonFactory,
    QuizFactory,
    StaffFactory,
    question_with,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def question():
    return question_with(QuizFactory(), correct=(0,), options=3, prompt="Live prompt?")


def option(text: str, *, correct: bool = False, **extra) -> dict:
    return {
        "id": None,
        "text": text,
        "region": "",
        "is_correct": correct,
        "explanation": f"Why {text}",
        "order": 10,
        "retired": False,
        "source": "",
    } | extra


def test_a_question_is_registered_for_revisions(question):
    assert isinstance(revisions.adapter_for(question), QuestionVersioned)
    assert isinstance(revisions.adapter_for(Question), QuestionVersioned)


def test_snapshot_then_apply_changes_nothing(question):
    adapter = QuestionVersioned()
    lesson = LessonFactory(module=question.quiz.module)
    question.lesson = lesson
    question.save()
    before = adapter.snapshot(question)
    rows = list(Choice.objects.filter(question=question).values())

    adapter.apply(question, before)

    question.refresh_from_db()
    assert adapter.snapshot(question) == before
    assert before["lesson"] == lesson.pk and len(before["choices"]) == 3
    assert list(Choice.objects.filter(question=question).values()) == rows


def test_apply_updates_options_in_place_creates_new_and_retires_removed(question):
    adapter = QuestionVersioned()
    first, second, third = question.choices.order_by("order")
    data = adapter.snapshot(question)
    data["prompt"] = "Revised prompt?"
    data["choices"][0] |= {"text": "First, reworded", "is_correct": False}
    data["choices"][1] |= {"is_correct": True}
    del data["choices"][2]  # the third removed
    data["choices"].append(option("A new option"))

    adapter.apply(question, data)

    question.refresh_from_db()
    assert question.prompt == "Revised prompt?"
    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert (first.text, first.is_correct, first.retired) == ("First, reworded", False, False)
    assert second.is_correct and not second.retired
    assert third.retired  # kept for the answers that point at it
    new = question.choices.get(text="A new option")
    assert new.explanation == "Why A new option" and not new.retired
    assert question.choices.count() == 4


def test_apply_never_touches_another_questions_option(question):
    other = question_with(question.quiz, correct=(0,))
    theirs = other.choices.first()
    data = QuestionVersioned().snapshot(question)
    data["choices"][1] |= {"id": theirs.pk, "text": "Not yours"}

    QuestionVersioned().apply(question, data)

    theirs.refresh_from_db()
    assert theirs.text != "Not yours" and theirs.question_id == other.pk
    # It is this question's option, new, and the one it stood in place of is retired.
    assert question.choices.get(text="Not yours").pk != theirs.pk
    assert question.choices.filter(retired=True).count() == 1


def test_validate_refuses_a_question_with_no_correct_option(question):
    data = QuestionVersioned().snapshot(question)
    for row in data["choices"]:
        row["is_correct"] = False
    problems = QuestionVersioned().validate(data)
    assert any("no option is marked correct" in p.lower() for p in problems)
    assert any("exactly one correct option, not 0" in p for p in problems)


def test_validate_holds_a_draft_to_the_content_rules(question):
    adapter = QuestionVersioned()
    assert adapter.validate(adapter.snapshot(question)) == []
    data = adapter.snapshot(question)
    data["choices"][1]["explanation"] = " "
    data["choices"][2]["text"] = ""
    data["prompt"] = ""
    problems = adapter.validate(data)
    assert "The question needs a prompt." in problems
    assert any(p.startswith("Option 2 needs an explanation") for p in problems)
    assert "Option 3 needs its words." in problems
    # Only one option still offered.
    data = adapter.snapshot(question)
    for row in data["choices"][1:]:
        row["retired"] = True
    assert any("at least two options" in p.lower() for p in adapter.validate(data))
    # A pain map lists every region, each a real one.
    data = adapter.snapshot(question) | {"kind": "pain_map"}
    data["choices"] = [
        option("", region=r.key, correct=i == 0) for i, r in enumerate(REGIONS[:-1])
    ] + [option("", region="elbow")]
    problems = adapter.validate(data)
    assert any("choose a region of the pain map" in p for p in problems)


def test_a_live_question_is_one_whose_quiz_learners_see(question):
    adapter = QuestionVersioned()
    assert adapter.is_live(question)
    module = question.quiz.module
    module.status = module.Status.DRAFT
    module.save()
    question = Question.objects.get(pk=question.pk)
    assert not adapter.is_live(question)


def test_learners_see_the_live_version_while_a_draft_exists_and_the_new_one_once_published(
    client, question
):
    editor = StaffFactory()
    learner = ClinicianFactory()
    EnrollmentFactory(user=learner, course=question.quiz.course)
    data = QuestionVersioned().snapshot(question) | {"prompt": "Draft prompt?"}
    data["choices"][0]["text"] = "DRAFT-OPTION"
    draft = revisions.draft_save(item=question, data=data, by=editor)
    client.force_login(learner)

    page = client.get(question.quiz.get_absolute_url()).content.decode()
    assert "Live prompt?" in page
    assert "Draft prompt?" not in page and "DRAFT-OPTION" not in page

    assert revisions.draft_publish(revision=draft, by=editor) == 2
    question.refresh_from_db()
    assert question.version == 2
    page = client.get(question.quiz.get_absolute_url()).content.decode()
    assert "Draft prompt?" in page and "DRAFT-OPTION" in page
    # The history starts from what learners saw first.
    assert [r.number for r in revisions.history(question)] == [2, 1]
    assert revisions.version_data(Question, question.pk, 1)["prompt"] == "Live prompt?"


def test_publishing_an_invalid_draft_is_refused_and_changes_nothing(question):
    editor = StaffFactory()
    data = QuestionVersioned().snapshot(question)
    data["choices"][0]["is_correct"] = False
    draft = revisions.draft_save(item=question, data=data, by=editor)
    with pytest.raises(AppError, match="No option is marked correct"):
        revisions.draft_publish(revision=draft, by=editor)
    question.refresh_from_db()
    assert question.version == 1
    assert question.choices.filter(is_correct=True).count() == 1
    assert Revision.objects.get(pk=draft.pk).status == Revision.Status.DRAFT


def test_publishing_leaves_the_version_an_answer_was_given_at(question):
    learner = ClinicianFactory()
    EnrollmentFactory(user=learner, course=question.quiz.course)
    right = question.choices.order_by("order").first()
    attempt = attempt_submit(
        user=learner,
        quiz=question.quiz,
        answers={question.pk: [right.pk]},
        submission_key=uuid.uuid4(),
    )
    editor = StaffFactory()
    data = QuestionVersioned().snapshot(question) | {"prompt": "Second version?"}
    revisions.draft_publish(
        revision=revisions.draft_save(item=question, data=data, by=editor), by=editor
    )
    assert attempt.answers.get().question_version == 1
