"""Item statistics on a small data set whose values were worked out by hand."""

import re

import pytest

from quizzes.models import Question
from quizzes.selectors import MIN_ANSWERS_TO_FLAG, item_statistics, pearson
from quizzes.services import attempt_submit
from tests.factories import EnrollmentFactory, QuizFactory, StaffFactory, UserFactory, question_with

from .item_data import record

pytestmark = pytest.mark.django_db


def test_pearson_by_hand():
    # x = [1,1,0,0], y = [2,1,1,0]: mean x .5, mean y 1; sxy = .5·1 + .5·0 + -.5·0 + -.5·-1 = 1;
    # sxx = 1; syy = 1+0+0+1 = 2; r = 1/√2 = 0.7071
    assert round(pearson([1, 1, 0, 0], [2, 1, 1, 0]), 4) == 0.7071
    assert pearson([1, 1], [0, 1]) is None  # no spread in x
    assert pearson([1], [1]) is None


def _four_attempts():
    quiz = QuizFactory()
    q1 = question_with(quiz, correct=(0,))
    q2 = question_with(quiz, correct=(0,))
    q3 = question_with(quiz, correct=(0,))
    c = {q.pk: list(q.choices.order_by("order")) for q in (q1, q2, q3)}
    # Four learners; 1 = right. Wrong answers pick option 1, except one pick of option 2 on q3.
    #          q1 q2 q3   total
    # A        1  1  1    3
    # B        1  1  0    2      (q3: option 1)
    # C        1  0  0    1      (q2: option 1, q3: option 1)
    # D        0  0  1    1      (q1: option 1, q2: option 2)
    plan = {
        "A": (0, 0, 0),
        "B": (0, 0, 1),
        "C": (0, 1, 1),
        "D": (1, 2, 0),
    }
    for picks in plan.values():
        user = UserFactory()
        EnrollmentFactory(user=user, course=quiz.course)
        attempt_submit(
            user=user,
            quiz=quiz,
            answers={q.pk: [c[q.pk][pick].pk] for q, pick in zip((q1, q2, q3), picks, strict=True)},
        )
    return quiz, (q1, q2, q3), c


def test_item_statistics_on_four_attempts():
    quiz, (q1, q2, q3), c = _four_attempts()
    stats = {s.question.pk: s for s in item_statistics(quiz)}
    # q1 scores [1,1,1,0], rest scores [2,1,0,1]: mean x .75, mean y 1;
    # sxy = .25·1 + .25·0 + .25·-1 + -.75·0 = 0  → r = 0
    assert stats[q1.pk].answered == 4
    assert stats[q1.pk].facility == 75.0
    assert stats[q1.pk].discrimination == 0.0
    assert stats[q1.pk].top_wrong == c[q1.pk][1] and stats[q1.pk].top_wrong_count == 1
    # q2 scores [1,1,0,0], rest [2,1,1,1]: mean x .5, y 1.25;
    # sxy = .5·.75 + .5·-.25 + -.5·-.25 + -.5·-.25 = .5; sxx = 1; syy = .5625+.0625·3 = .75
    # r = .5/√.75 = 0.5774
    assert stats[q2.pk].facility == 50.0
    assert stats[q2.pk].discrimination == 0.58
    # q3 scores [1,0,0,1], rest [2,2,1,0]: mean x .5, y 1.25;
    # sxy = .5·.75 + -.5·.75 + -.5·-.25 + .5·-1.25 = -.5; syy = .5625+.5625+.0625+1.5625 = 2.75
    # r = -.5/√2.75 = -0.3015: a question to check
    assert stats[q3.pk].facility == 50.0
    assert stats[q3.pk].discrimination == -0.3
    assert stats[q3.pk].top_wrong == c[q3.pk][1] and stats[q3.pk].top_wrong_count == 2


def test_statistics_query_count_does_not_grow(django_assert_max_num_queries):
    quiz = QuizFactory()
    questions = [question_with(quiz) for _ in range(5)]
    for _ in range(6):
        user = UserFactory()
        EnrollmentFactory(user=user, course=quiz.course)
        attempt_submit(
            user=user,
            quiz=quiz,
            answers={q.pk: [q.choices.order_by("order")[1].pk] for q in questions},
        )
    with django_assert_max_num_queries(4):
        stats = item_statistics(quiz)
    assert all(s.facility == 0.0 and s.discrimination is None for s in stats)
    assert Question.objects.filter(quiz=quiz).count() == 5


def test_statistics_page_in_the_admin(client):
    quiz = QuizFactory()
    question_with(quiz)
    client.force_login(StaffFactory())
    page = client.get(f"/admin/quizzes/quiz/{quiz.pk}/statistics/")
    assert page.status_code == 200
    assert "Discrimination" in page.content.decode()
    assert "Item statistics" in client.get("/admin/quizzes/quiz/").content.decode()


def test_statistics_page_charts_facility_and_flags_low_discrimination(client):
    quiz = QuizFactory()
    q1, q2, q3 = (question_with(quiz, correct=(0,)) for _ in range(3))
    # The four learners of _four_attempts, eight times over: 32 answers to each question,
    # enough to flag, and the same correlations (a copied data set keeps its r).
    for _ in range(8):
        for picks in [(0, 0, 0), (0, 0, 1), (0, 1, 1), (1, 2, 0)]:
            record(quiz, dict(zip((q1, q2, q3), picks, strict=True)))
    client.force_login(StaffFactory())
    page = client.get(f"/admin/quizzes/quiz/{quiz.pk}/statistics/").content.decode()
    assert "css/charts.css" in page
    figure = page[page.index('<figure class="plot plot-rows">') : page.index("</figure>")]
    assert not re.search(r"\sstyle\s*=", figure)
    # Bars at 75%, 50%, 50% of the track; q1 (r = 0) and q3 (r = -0.3) flagged, q2 not.
    assert re.findall(r'class="plot-bar"[^>]* width="([\d.]+%)"', figure) == ["75%", "50%", "50%"]
    assert figure.count('class="plot-row is-flagged"') == 2
    rows = re.findall(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td><td>(.*?)</td></tr>', figure)
    assert rows == [
        (f"1. {q1.slug} v1", "75%", "check"),
        (f"2. {q2.slug} v1", "50%", ""),
        (f"3. {q3.slug} v1", "50%", "check"),
    ]
    assert page.count("⚠ check") == 2 and "(too few answers)" not in page


def test_below_the_minimum_answers_a_low_discrimination_is_not_flagged(client):
    quiz, (q1, q2, q3), _ = _four_attempts()
    stats = {s.question.pk: s for s in item_statistics(quiz)}
    assert stats[q3.pk].discrimination == -0.3 and stats[q3.pk].answered == 4 < MIN_ANSWERS_TO_FLAG
    assert not stats[q3.pk].low_discrimination and stats[q3.pk].too_few_answers
    client.force_login(StaffFactory())
    page = client.get(f"/admin/quizzes/quiz/{quiz.pk}/statistics/").content.decode()
    figure = page[page.index('<figure class="plot plot-rows">') : page.index("</figure>")]
    assert "is-flagged" not in figure and "⚠ check" not in page
    assert page.count("(too few answers)") == 3
