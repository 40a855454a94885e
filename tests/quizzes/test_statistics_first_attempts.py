"""Item statistics count each learner's first attempt unless asked for every attempt."""

import pytest

from quizzes.selectors import AttemptsCounted, attempt_counts, item_statistics
from tests.factories import QuizFactory, StaffFactory, UserFactory, question_with

from .item_data import later, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    """Three learners' first attempts and one retake (1 = right):

            q1 q2
    A  1st  0  0     at 09:00
    A  2nd  1  1     at 10:00, saved before the first: the time decides, not the order saved
    B  1st  1  0
    C  1st  1  1
    """
    quiz = QuizFactory()
    q1, q2 = question_with(quiz, correct=(0,)), question_with(quiz, correct=(0,))
    a = UserFactory()
    record(quiz, {q1: 0, q2: 0}, user=a, at=later(1))
    record(quiz, {q1: 1, q2: 2}, user=a, at=later(0))
    record(quiz, {q1: 0, q2: 1}, at=later(0))
    record(quiz, {q1: 0, q2: 0}, at=later(0))
    return quiz, q1, q2


def test_first_attempts_by_default(data):
    quiz, q1, q2 = data
    stats = {s.question.pk: s for s in item_statistics(quiz)}
    # q1 marks [0,1,1], rest [0,0,1]: r = (1/3) / (2/3) = .5
    assert (stats[q1.pk].answered, stats[q1.pk].facility, stats[q1.pk].discrimination) == (
        3,
        66.7,
        0.5,
    )
    assert stats[q2.pk].facility == 33.3
    # A's first attempt chose option 1 of q1, the only wrong pick of it.
    assert stats[q1.pk].top_wrong_count == 1
    assert stats[q1.pk].top_wrong == q1.choices.order_by("order")[1]
    # q2's wrong picks in first attempts: A option 2, B option 1, one each.
    assert stats[q2.pk].top_wrong_count == 1


def test_every_attempt_when_asked(data):
    quiz, q1, q2 = data
    stats = {s.question.pk: s for s in item_statistics(quiz, AttemptsCounted.ALL)}
    # q1 marks [0,1,1,1], rest [0,0,1,1]: r = .5/√.75 = .577
    assert (stats[q1.pk].answered, stats[q1.pk].facility, stats[q1.pk].discrimination) == (
        4,
        75.0,
        0.58,
    )
    assert stats[q2.pk].facility == 50.0


def test_counts_of_attempts_either_way(data, django_assert_num_queries):
    quiz, *_ = data
    with django_assert_num_queries(1):
        counts = attempt_counts(quiz)
    assert (counts.first, counts.all) == (3, 4)
    assert counts.of(AttemptsCounted.FIRST) == 3 and counts.of(AttemptsCounted.ALL) == 4


def test_the_page_says_which_attempts_it_counts_and_links_the_other(client, data):
    quiz, q1, _ = data
    client.force_login(StaffFactory())
    url = f"/admin/quizzes/quiz/{quiz.pk}/statistics/"
    first = client.get(url).content.decode()
    assert '<strong aria-current="page">each learner\'s first attempt (3)</strong>' in first
    assert '<a href="?attempts=all">every attempt (4)</a>' in first
    assert "Shown: 3 submitted attempts," in first and "<td>66.7%</td>" in first
    every = client.get(url, {"attempts": "all"}).content.decode()
    assert '<strong aria-current="page">every attempt (4)</strong>' in every
    assert '<a href="?attempts=first">each learner\'s first attempt (3)</a>' in every
    assert "Shown: 4 submitted attempts," in every and "<td>75.0%</td>" in every


def test_an_unknown_choice_of_attempts_is_a_clear_400(client, data):
    quiz, *_ = data
    client.force_login(StaffFactory())
    response = client.get(f"/admin/quizzes/quiz/{quiz.pk}/statistics/", {"attempts": "last"})
    assert response.status_code == 400
    assert "attempts must be “first”" in response.content.decode()
