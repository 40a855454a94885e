"""Module quizzes: the learners who sat each, the share who passed, and the attempts
they needed up to their first pass. Lessons' self-checks are left out."""

from datetime import timedelta

import pytest

from quizzes.selectors import module_quiz_outcomes
from tests.factories import LessonFactory, QuizFactory, UserFactory

from .activity import NOW, attempt

pytestmark = pytest.mark.django_db


def test_pass_rate_and_attempts_to_the_first_pass():
    quiz = QuizFactory(title="Module 1 quiz")
    ann, bob, cat = UserFactory(), UserFactory(), UserFactory()
    day = timedelta(days=1)
    # Ann: fails twice, passes on the third, then passes again (not counted).
    attempt(ann, quiz, at=NOW - 5 * day, passed=False)
    attempt(ann, quiz, at=NOW - 4 * day, passed=False)
    attempt(ann, quiz, at=NOW - 3 * day, passed=True)
    attempt(ann, quiz, at=NOW - 2 * day, passed=True)
    # Bob passes at once; Cat never passes.
    attempt(bob, quiz, at=NOW - 3 * day, passed=True)
    attempt(cat, quiz, at=NOW - 3 * day, passed=False)
    attempt(cat, quiz, at=NOW - 2 * day, passed=False)
    untouched = QuizFactory(module=quiz.module, order=5)
    self_check = QuizFactory(module=quiz.module, lesson=LessonFactory(module=quiz.module))
    attempt(ann, self_check, at=NOW, passed=True)

    rows = module_quiz_outcomes()

    assert [r.quiz for r in rows] == [quiz, untouched]
    row = rows[0]
    assert (row.sat, row.passed, row.attempts_to_pass) == (3, 2, 4)
    assert row.pass_percent == pytest.approx(200 / 3)
    assert row.mean_attempts_to_pass == 2.0  # Ann 3, Bob 1
    empty = rows[1]
    assert (empty.sat, empty.passed, empty.pass_percent, empty.mean_attempts_to_pass) == (
        0,
        0,
        None,
        None,
    )
