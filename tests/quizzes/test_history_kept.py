"""A learner who answered the items as they shipped before the November 2026 clinical
review keeps their history when today's content loads.

`data/items-2026-11.json` lists those items: each quiz's questions (slug, kind) and
options (text or region, which were keyed). The test builds that database (with a
learner who chose every option, has a card for every question and for every key point),
then loads today's content over it. Every question and option must be found again, by
its slug or wording or under `formerly`, or be kept as retired, so that no attempt, card
or item statistic is orphaned.
"""

import json
import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from course.content_loader import CONTENT_DIR, load_content
from course.models import Course, Lesson, Module
from quizzes.models import Answer, Attempt, Choice, Question, Quiz
from quizzes.selectors import item_statistics
from quizzes.services import attempt_feedback
from reviews.models import Card
from reviews.services import cards_from_lesson
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ITEMS = json.loads((Path(__file__).parent / "data" / "items-2026-11.json").read_text())


def _old_quizzes(user) -> list[Attempt]:
    """The November 2026 quizzes, with one attempt choosing every option."""
    attempts, now = [], timezone.now()
    for quiz_slug, spec in ITEMS["quizzes"].items():
        course = Course.objects.get(slug=spec["course"])
        if quiz_slug.endswith("-check"):
            lesson = Lesson.objects.get(course=course, slug=quiz_slug.removesuffix("-check"))
            module = lesson.module
        else:
            lesson = None
            module = Module.objects.get(course=course, slug=quiz_slug.removesuffix("-quiz"))
        quiz = Quiz.objects.create(
            course=course, module=module, lesson=lesson, slug=quiz_slug, title=quiz_slug
        )
        attempt = Attempt.objects.create(user=user, quiz=quiz, score=50, passed=False)
        for order, q in enumerate(spec["questions"]):
            question = Question.objects.create(
                quiz=quiz, slug=q["slug"], kind=q["kind"], prompt="As it was.", order=order
            )
            choices = Choice.objects.bulk_create(
                Choice(
                    question=question,
                    text=o.get("text", ""),
                    region=o.get("region", ""),
                    is_correct=o.get("correct", False),
                    explanation="As it was.",
                    order=i,
                )
                for i, o in enumerate(q["options"])
            )
            answer = Answer.objects.create(attempt=attempt, question=question, score=0)
            answer.choices.set(choices)
            Card.objects.create(
                user=user,
                kind=Card.Kind.QUESTION,
                question=question,
                course=course,
                module=module,
                lesson=lesson,
                due=now,
            )
        attempts.append(attempt)
    return attempts


def test_answers_to_the_november_2026_items_survive_todays_content(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, root)
    quiz_files = {
        p: p.read_text(encoding="utf-8")
        for p in root.rglob("*.yaml")
        if p.name != "references.yaml"
    }
    for path in quiz_files:
        path.unlink()
    # Lessons keep their slugs (or list the old one under `formerly`, which this first
    # load would not know): the old lessons are today's lessons.
    assert load_content(root).ok
    for course_slug, lessons in ITEMS["lessons"].items():
        for slug, key_points in lessons.items():
            lesson = Lesson.objects.get(course__slug=course_slug, slug=slug)
            assert len(lesson.key_points) >= key_points, f"{slug} lost key points"

    user = UserFactory()
    for lesson in Lesson.objects.all():
        cards_from_lesson(user=user, lesson=lesson, now=timezone.now())
    attempts = _old_quizzes(user)
    questions = dict(Question.objects.values_list("pk", "quiz_id"))
    choices = dict(Choice.objects.values_list("pk", "question_id"))
    answered = Answer.choices.through.objects.count()

    for path, text in quiz_files.items():
        path.write_text(text, encoding="utf-8")
    report = load_content(root)
    assert report.ok, [str(e) for e in report.errors]

    # The same rows, in the same places: nothing was deleted or moved to another question.
    assert dict(Question.objects.filter(pk__in=questions).values_list("pk", "quiz_id")) == questions
    assert dict(Choice.objects.filter(pk__in=choices).values_list("pk", "question_id")) == choices
    assert Answer.choices.through.objects.count() == answered
    assert Card.objects.filter(user=user, question__isnull=False).count() == len(questions)
    # Each old item now reads as today's file says, and its attempt still shows it.
    assert not Question.objects.filter(prompt="As it was.").exists()
    assert not Choice.objects.filter(explanation="As it was.").exists()
    for attempt in attempts:
        # Every question answered then shows what was chosen (questions added since were
        # not part of the attempt).
        feedback = [f for f in attempt_feedback(attempt) if f.question.pk in questions]
        assert feedback and all(any(o.chosen for o in f.options) for f in feedback)
        # One row per question version answered, and the current version of each.
        stats = item_statistics(attempt.quiz)
        assert {row.question.pk for row in stats} == set(
            attempt.quiz.questions.values_list("pk", flat=True)
        )
        assert sum(row.current for row in stats) == attempt.quiz.questions.count()
    # Key-point cards carry the lessons' current wording.
    for card in Card.objects.filter(user=user, kind=Card.Kind.KEY_POINT).select_related("lesson"):
        assert card.front == card.lesson.key_points[card.key_index]["front"]
