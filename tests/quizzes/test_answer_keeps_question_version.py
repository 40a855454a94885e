"""A submitted answer keeps the version of the question the submission was scored on."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes import services
from quizzes.models import Answer, Question
from quizzes.services import attempt_submit
from tests.factories import EnrollmentFactory, QuizFactory, UserFactory, question_with

pytestmark = pytest.mark.django_db


def _learner(quiz):
    user = UserFactory()
    EnrollmentFactory(user=user, course=quiz.course)
    return user


def _right(question):
    return [question.choices.get(is_correct=True).pk]


def test_each_answer_keeps_its_questions_version():
    quiz = QuizFactory()
    first, changed = question_with(quiz), question_with(quiz)
    Question.objects.filter(pk=changed.pk).update(version=3)
    attempt = attempt_submit(
        user=_learner(quiz),
        quiz=quiz,
        answers={first.pk: _right(first), changed.pk: _right(changed)},
    )
    versions = dict(attempt.answers.values_list("question_id", "question_version"))
    assert versions == {first.pk: 1, changed.pk: 3}


def test_a_version_published_while_the_answer_is_scored_does_not_relabel_it(monkeypatch):
    """The version comes from the question rows the submission loaded and scored with:
    an editor publishing version 2 after they were read leaves the answer at version 1."""
    quiz = QuizFactory()
    question = question_with(quiz)
    loaded = services._checked_questions_to_take

    def load_then_publish(*args, **kwargs):
        result = loaded(*args, **kwargs)
        Question.objects.filter(pk=question.pk).update(version=2)
        return result

    monkeypatch.setattr(services, "_checked_questions_to_take", load_then_publish)
    attempt_submit(user=_learner(quiz), quiz=quiz, answers={question.pk: _right(question)})
    assert Answer.objects.get(question=question).question_version == 1
    assert Question.objects.get(pk=question.pk).version == 2


def test_recording_versions_adds_no_query_per_answer(django_assert_num_queries):
    first = QuizFactory()
    quizzes = []
    for size in (1, 2, 6):  # a warm-up, then two sizes measured
        quiz = QuizFactory(module=first.module)
        questions = [question_with(quiz) for _ in range(size)]
        Question.objects.filter(quiz=quiz).update(version=2)
        quizzes.append((quiz, {q.pk: _right(q) for q in questions}))
    learner = _learner(first)
    (warm_up, answers), (two, two_answers), (six, six_answers) = quizzes
    attempt_submit(user=learner, quiz=warm_up, answers=answers)
    with CaptureQueriesContext(connection) as counted:
        attempt_submit(user=learner, quiz=two, answers=two_answers)
    with django_assert_num_queries(len(counted.captured_queries)):
        attempt_submit(user=learner, quiz=six, answers=six_answers)
    assert list(Answer.objects.values_list("question_version", flat=True).distinct()) == [2]
