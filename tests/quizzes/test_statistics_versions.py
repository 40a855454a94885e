"""Item statistics have a row per question version answered, the current one first."""

import pytest

from quizzes.models import Question
from quizzes.selectors import item_statistics
from tests.factories import QuizFactory, StaffFactory, question_with

from .item_data import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    """Three learners answer version 1 of both questions; then q1 is published as
    version 2, answered by two more; q2 as version 2 too, not answered yet (1 = right):

              q1      q2
    A  v1/v1  1       1
    B  v1/v1  0       1
    C  v1/v1  0       0
    D  v2/v1  1       1
    E  v2/v1  1       0
    """
    quiz = QuizFactory()
    q1, q2 = question_with(quiz, correct=(0,)), question_with(quiz, correct=(0,))
    for picks in [(0, 0), (1, 0), (2, 1)]:
        record(quiz, {q1: picks[0], q2: picks[1]})
    Question.objects.filter(pk=q1.pk).update(version=2)
    q1.refresh_from_db()
    for picks in [(0, 0), (0, 3)]:
        record(quiz, {q1: picks[0], q2: picks[1]})
    Question.objects.filter(pk=q2.pk).update(version=2)
    q2.refresh_from_db()
    return quiz, q1, q2


def test_a_row_per_version_the_current_first(data):
    quiz, q1, q2 = data
    stats = item_statistics(quiz)
    rows = [(s.number, s.question.pk, s.version_label, s.current, s.answered) for s in stats]
    assert rows == [
        (1, q1.pk, "v2", True, 2),
        (1, q1.pk, "v1", False, 3),
        (2, q2.pk, "v2", True, 0),  # just published: a row, no answers yet
        (2, q2.pk, "v1", False, 5),
    ]
    q1_v2, q1_v1, q2_v2, q2_v1 = stats
    assert (q1_v2.facility, q1_v1.facility, q2_v1.facility) == (100.0, 33.3, 60.0)
    assert q2_v2.facility is None and q2_v2.discrimination is None and not q2_v2.too_few_answers
    # Version 1 of q1: marks [1,0,0], rest [1,1,0] (q2 in the same attempts): mean 1/3
    # and 2/3; Σ products 1/3, Σ squares 2/3 and 2/3: r = .5.
    assert q1_v1.discrimination == 0.5
    # Version 2 was right for everyone: no spread, no correlation.
    assert q1_v2.discrimination is None and q1_v2.top_wrong is None
    # The wrong options are counted per version: q1 v1 had options 1 and 2, once each.
    assert q1_v1.top_wrong_count == 1
    assert q2_v1.top_wrong_count == 1 and q2_v1.top_wrong is not None


def test_the_page_and_chart_name_each_version(client, data):
    quiz, q1, q2 = data
    client.force_login(StaffFactory())
    page = client.get(f"/admin/quizzes/quiz/{quiz.pk}/statistics/").content.decode()
    assert page.count("v2 (current)") == 2 and page.count('<td class="text">v1</td>') == 2
    for label in (f"1. {q1.slug} v2", f"1. {q1.slug} v1", f"2. {q2.slug} v2", f"2. {q2.slug} v1"):
        assert f'<th scope="row">{label}</th>' in page
