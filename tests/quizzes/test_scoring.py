from decimal import Decimal

import pytest

from quizzes.scoring import (
    answer_score,
    cbm_average,
    cbm_mark,
    certainty_summary,
    confidently_wrong,
    percent,
    signed,
)


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


# --- certainty-based marks (Moodle's table) ----------------------------------------------


@pytest.mark.parametrize(
    ("confidence", "right", "wrong"),
    [(1, 1, 0), (2, 2, -2), (3, 3, -6)],
    ids=["guessing", "fairly sure", "sure"],
)
def test_every_cell_of_the_certainty_table(confidence, right, wrong):
    assert cbm_mark(Decimal(1), confidence) == right
    assert cbm_mark(Decimal(0), confidence) == wrong


@pytest.mark.parametrize(
    ("fraction", "confidence", "expected"),
    [
        ("0.5", 1, "0.5"),  # 1·½ + 0·½
        ("0.5", 2, "0"),  # 2·½ − 2·½
        ("0.5", 3, "-1.5"),  # 3·½ − 6·½
        ("0.6667", 3, "0.0003"),  # two of three right, sure: about nothing
        ("0.3333", 2, "-0.6668"),
        ("0.25", 3, "-3.75"),
    ],
)
def test_a_partly_right_answer_earns_between_right_and_wrong(fraction, confidence, expected):
    assert cbm_mark(Decimal(fraction), confidence) == Decimal(expected)


@pytest.mark.parametrize("confidence", [0, 4, -1])
def test_no_mark_for_a_confidence_outside_the_table(confidence):
    with pytest.raises(ValueError, match="confidence"):
        cbm_mark(Decimal(1), confidence)


def test_the_average_is_per_question_and_none_without_marks():
    assert cbm_average([Decimal(3), Decimal(-6), Decimal(2)]) == Decimal("-0.33")
    assert cbm_average([]) is None


@pytest.mark.parametrize(
    ("mark", "text"),
    [("1.83", "+1.8"), ("3", "+3"), ("0", "0"), ("-0.04", "0"), ("-2.5", "−2.5"), ("-6", "−6")],
)
def test_marks_read_with_a_sign_and_a_true_minus(mark, text):
    assert signed(Decimal(mark)) == text


def test_the_summary_counts_right_partly_and_wrong_at_each_confidence():
    summary = certainty_summary(
        [(Decimal(1), 3), (Decimal(0), 3), (Decimal("0.5"), 2), (Decimal(1), 1)], questions=5
    )
    assert summary.average == Decimal("-0.50")  # (3 − 6 + 0 + 1) / 4
    assert summary.average_text == "−0.5"
    assert summary.marked == 4 and summary.partial and summary.any_partly
    assert [(r.label, r.right, r.partly, r.wrong) for r in summary.rows] == [
        ("Guessing", 1, 0, 0),
        ("Fairly sure", 0, 1, 0),
        ("Sure", 1, 0, 1),
    ]
    empty = certainty_summary([], questions=3)
    assert empty.average is None and empty.average_text == "" and not empty.partial


@pytest.mark.parametrize(
    ("right", "confidence", "expected"),
    [
        (False, 3, True),
        (False, 2, True),
        (False, 1, False),  # a wrong guess costs nothing: not a belief held wrongly
        (False, None, False),
        (True, 3, False),
    ],
)
def test_confidently_wrong_is_wrong_and_fairly_sure_or_sure(right, confidence, expected):
    assert confidently_wrong(right=right, confidence=confidence) is expected
