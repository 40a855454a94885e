"""A question as data: the editable fields of a question and its options, as a draft
revision and each published version hold them (course.Revision.data), and a question
shown from such data: a draft in the editor's preview, or the version a learner
answered on their attempt's page.

The data: {"vignette", "prompt", "kind", "lesson" (id or None), "choices": [{"id" (None
for an option the draft adds), "text", "region", "is_correct", "explanation", "order",
"retired", "source"}]}.
"""

import copy
from dataclasses import replace
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q

from course.models import Publishable, Revision

from .models import Choice, Question, Quiz
from .services import OptionFeedback, QuestionFeedback

QUESTION_FIELDS = ("vignette", "prompt", "kind")
CHOICE_FIELDS = ("text", "region", "is_correct", "explanation", "order", "retired", "source")


def quiz_is_live(quiz: Quiz) -> bool:
    """Its module and course are published (and its lesson, for a lesson's self-check),
    as the lesson adapter counts one: learners see its questions, or will when the
    publish time comes. Edits to its questions then go to drafts."""
    parents: list[Publishable] = [quiz.module, quiz.course]
    if quiz.lesson_id is not None:
        assert quiz.lesson is not None
        parents.append(quiz.lesson)
    return all(p.status == Publishable.Status.PUBLISHED for p in parents)


def choice_data(choice: Choice) -> dict[str, Any]:
    return {"id": choice.pk} | {name: getattr(choice, name) for name in CHOICE_FIELDS}


def question_data(question: Question) -> dict[str, Any]:
    """The question and all its options (retired ones too) as they are on the rows now.
    Reads `question.choices.all()`: prefetch it when asking this of many questions."""
    return {name: getattr(question, name) for name in QUESTION_FIELDS} | {
        "lesson": question.lesson_id,
        "choices": [choice_data(c) for c in question.choices.all()],
    }


def with_choices(question: Question, choices: list[Choice]) -> Question:
    """The question with `choices.all()` answering `choices`, as a prefetch would leave it,
    so that the templates and `expects_many` read them without a query."""
    queryset = Choice.objects.all()
    queryset._result_cache = choices
    queryset._prefetch_done = True  # type: ignore[attr-defined]
    question._prefetched_objects_cache = {"choices": queryset}  # type: ignore[attr-defined]
    return question


def question_from_data(question: Question, data: dict[str, Any]) -> Question:
    """A copy of `question` (never saved) showing `data`: its words, and its options
    in their order. An option still on the question keeps its row's id, so that what a
    learner chose is found; an option the draft adds gets a stand-in negative id, unique
    on the page, that no row has."""
    # The lesson stays the row's: a page links to the lesson that teaches the point now.
    shown = copy.copy(question)
    shown._state = copy.copy(question._state)
    for name in QUESTION_FIELDS:
        setattr(shown, name, data.get(name, getattr(question, name)))
    choices = []
    for number, row in enumerate(data.get("choices", []), start=1):
        choice = Choice(
            pk=row.get("id") or -number,
            question=shown,
            **{name: row[name] for name in CHOICE_FIELDS if name in row},
        )
        choices.append(choice)
    choices.sort(key=lambda c: (c.order, c.pk if c.pk > 0 else 1 << 62))
    return with_choices(shown, choices)


def question_revision(question: Question, revision_id: int) -> Revision | None:
    """One revision of this question (a draft or a version), or None."""
    return Revision.objects.filter(
        pk=revision_id,
        content_type__app_label=Question._meta.app_label,
        content_type__model=Question._meta.model_name,
        object_id=question.pk,
    ).first()


def answered_versions(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], dict[str, Any]]:
    """The data of each (question id, version number) asked for that has a published
    revision, in one query."""
    if not pairs:
        return {}
    rows = Revision.objects.filter(
        reduce(or_, (Q(object_id=pk, number=number) for pk, number in sorted(pairs))),
        content_type__app_label=Question._meta.app_label,
        content_type__model=Question._meta.model_name,
        number__isnull=False,
    ).values_list("object_id", "number", "data")
    return {(pk, number): data for pk, number, data in rows if number is not None}


def as_answered(feedback: list[QuestionFeedback]) -> list[QuestionFeedback]:
    """The attempt's feedback with each question revised since it was answered shown as
    the learner answered it: the words, options and right answers of that version (one
    query for them all). Without a record of that version, the question as it is now,
    marked revised, so that the page can say so."""
    revised = {(f.question.pk, f.version) for f in feedback if f.version != f.question.version}
    found = answered_versions(revised)
    shown = []
    for item in feedback:
        data = found.get((item.question.pk, item.version))
        if item.version == item.question.version:
            shown.append(item)
        elif data is None:
            shown.append(replace(item, revised=True))
        else:
            question = question_from_data(item.question, data)
            chosen = {o.choice.pk for o in item.options if o.chosen}
            options = [
                OptionFeedback(choice=c, chosen=c.pk in chosen)
                for c in question.choices.all()
                if not c.retired or c.pk in chosen
            ]
            shown.append(
                replace(
                    item, question=question, options=options, revised=True, shown_as_answered=True
                )
            )
    return shown
