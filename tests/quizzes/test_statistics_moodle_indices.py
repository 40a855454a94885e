"""Moodle's discrimination index and discriminative efficiency, against values worked
out by hand."""

import pytest

from quizzes.selectors import discrimination_index, discriminative_efficiency, item_statistics
from tests.factories import QuizFactory, question_with

from .item_data import record

pytestmark = pytest.mark.django_db


def test_indices_by_hand_with_partial_credit():
    marks = [1, 0, 1, 0, 0.5]
    rest = [3, 2, 1, 0, 2]
    # Means .5 and 1.6; deviations [.5, -.5, .5, -.5, 0] and [1.4, .4, -.6, -1.6, .4].
    # Σ products = .7 - .2 - .3 + .8 + 0 = 1; Σ squares 1 and 5.2:
    # index = 100 · 1 / √5.2 = 43.853
    assert discrimination_index(marks, rest) == pytest.approx(43.853, abs=1e-3)
    # Each sorted: [0, 0, .5, 1, 1] and [0, 1, 2, 2, 3], deviations [-.5, -.5, 0, .5, .5]
    # and [-1.6, -.6, .4, .4, 1.4]: the largest Σ products = .8 + .3 + 0 + .2 + .7 = 2;
    # efficiency = 100 · 1 / 2 = 50.
    assert discriminative_efficiency(marks, rest) == pytest.approx(50.0)


def test_no_spread_or_one_answer_gives_no_index():
    assert discrimination_index([1, 1, 1], [0, 1, 2]) is None
    assert discriminative_efficiency([1, 1, 1], [0, 1, 2]) is None
    assert discrimination_index([1], [2]) is None
    assert discriminative_efficiency([1], [2]) is None


def test_item_statistics_report_both_indices_per_question():
    quiz = QuizFactory()
    q1, q2, q3 = (question_with(quiz, correct=(0,)) for _ in range(3))
    #      q1 q2 q3  (1 = right)
    # A    1  1  1
    # B    1  1  0
    # C    1  0  0
    # D    0  0  1
    for picks in [(0, 0, 0), (0, 0, 1), (0, 1, 1), (1, 1, 0)]:
        record(quiz, dict(zip((q1, q2, q3), picks, strict=True)))
    stats = {s.question.pk: s for s in item_statistics(quiz)}
    # q1: marks [1,1,1,0], rest [2,1,0,1]: Σ products 0, so index 0 and efficiency 0
    # (sorted [0,1,1,1] and [0,1,1,2]: largest Σ = .75 + 0 + 0 + .25 = 1).
    assert (stats[q1.pk].discrimination_index, stats[q1.pk].discriminative_efficiency) == (0, 0)
    # q2: marks [1,1,0,0], rest [2,1,1,1]: r = .5/√.75 = .57735 → 57.7; the pairing is
    # already the best possible (sorted, Σ = .5 too): efficiency 100.
    assert stats[q2.pk].discrimination_index == 57.7
    assert stats[q2.pk].discriminative_efficiency == 100.0
    # q3: marks [1,0,0,1], rest [2,2,1,0]: Σ products -.5, r = -.5/√2.75 = -.30151 → -30.2;
    # sorted [0,0,1,1] and [0,1,2,2]: largest Σ = .625 + .125 + .375 + .375 = 1.5,
    # efficiency = 100 · -.5 / 1.5 = -33.3.
    assert stats[q3.pk].discrimination_index == -30.2
    assert stats[q3.pk].discriminative_efficiency == -33.3
    assert stats[q3.pk].discrimination == -0.3  # the correlation itself, kept
