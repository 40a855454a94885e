from decimal import Decimal

import pytest

from quizzes.scoring import answer_score, percent


@pytest.mark.parametrize(("chosen", "expected"), [({1}, 1), ({2}, 0), (set(), 0), ({1, 2}, 0)])
def test_single_best_answer(chosen, expected):
    assert answer_score(chosen=chosen, correct={1}, many=False) == expected


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ({1, 2, 3}, "1"),  # all three right
        ({1, 2}, "0.6667"),  # two of three
        ({1}, "0.3333"),
        ({1, 2, 4}, "0.3333"),  # two right, one wrong
        ({1, 4}, "0"),  # one right, one wrong
        ({4, 5}, "0"),  # never below zero
        ({1, 2, 3, 4, 5}, "0.3333"),  # choosing everything is not rewarded
        (set(), "0"),
    ],
)
def test_multiple_answers_partial_credit(chosen, expected):
    assert answer_score(chosen=chosen, correct={1, 2, 3}, many=True) == Decimal(expected)


def test_pain_map_with_two_right_regions_scores_like_multiple():
    assert answer_score(chosen={10}, correct={10, 11}, many=True) == Decimal("0.5")
    assert answer_score(chosen={10, 11}, correct={10, 11}, many=True) == 1


def test_percent_rounds_to_two_places():
    assert percent(Decimal("2.3333"), 3) == Decimal("77.78")
    assert percent(Decimal(0), 0) == 0
