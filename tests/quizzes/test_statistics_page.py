"""The item statistics page and its CSV: editors only, a fixed number of queries
however many attempts, and the table as a download."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes.models import Question
from quizzes.selectors import item_statistics
from tests.factories import QuizFactory, StaffFactory, UserFactory, question_with

from .item_data import later, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    quiz = QuizFactory(slug="crest-quiz")
    question_with(quiz, correct=(0,), slug="crest-point", prompt="Where is the crest point?")
    question_with(quiz, correct=(0,), slug="formula", prompt="=HYPERLINK(1)")
    return quiz


def _answer(quiz, n, *, at=0, version=None):
    q1, q2 = quiz.questions.order_by("order", "pk")
    versions = {q1: version} if version else None
    for i in range(n):
        record(quiz, {q1: i % 2, q2: i % 3}, at=later(at), versions=versions)


def _url(quiz):
    return f"/admin/quizzes/quiz/{quiz.pk}/statistics/"


def test_the_selector_takes_four_queries_however_many_attempts(quiz, django_assert_num_queries):
    _answer(quiz, 3)
    with django_assert_num_queries(4):
        item_statistics(quiz)
    _answer(quiz, 40, version=2)
    with django_assert_num_queries(4):
        stats = item_statistics(quiz)
    assert sum(s.answered for s in stats) == 2 * 43


@pytest.mark.parametrize("attempts", ["first", "all"])
def test_the_page_takes_the_same_queries_however_many_attempts(
    client, quiz, attempts, django_assert_num_queries
):
    client.force_login(StaffFactory())
    _answer(quiz, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(_url(quiz), {"attempts": attempts}).status_code == 200
    # More learners, retakes by some, and a new version answered.
    _answer(quiz, 30)
    Question.objects.filter(quiz=quiz, slug="crest-point").update(version=2)
    _answer(quiz, 5, version=2)
    learner = UserFactory()
    q1, q2 = quiz.questions.order_by("order", "pk")
    for hour in range(3):
        record(quiz, {q1: hour % 2, q2: 0}, user=learner, at=later(hour))
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(_url(quiz), {"attempts": attempts}).content.decode()
    assert "v2 (current)" in page


def test_the_csv_holds_the_table_for_the_attempts_shown(client, quiz):
    q1, q2 = quiz.questions.order_by("order", "pk")
    learner = UserFactory()
    record(quiz, {q1: 1, q2: 0}, user=learner, at=later(0))  # first: q1 wrong (option 1)
    record(quiz, {q1: 0, q2: 0}, user=learner, at=later(5))  # the retake: both right
    client.force_login(StaffFactory())
    page = client.get(_url(quiz)).content.decode()
    assert '<a href="?attempts=first&amp;download=csv">Download CSV</a>' in page

    response = client.get(_url(quiz), {"download": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="item-statistics-crest-quiz-first.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Number",
        "Question",
        "Slug",
        "Kind",
        "Version",
        "Current version",
        "Answered",
        "Facility (%)",
        "Item-rest correlation",
        "Discrimination index",
        "Discriminative efficiency (%)",
        "Flag",
        "Most chosen wrong option",
        "Times chosen",
    ]
    assert rows[1] == [
        "1",
        "Where is the crest point?",
        "crest-point",
        "Single best answer",
        "1",
        "yes",
        "1",
        "0.0",
        "",  # one answer: no correlation
        "",
        "",
        "too few answers",
        "Option 1",
        "1",
    ]
    # A prompt a spreadsheet would run as a formula is made safe.
    assert rows[2][:3] == ["2", "'=HYPERLINK(1)", "formula"] and rows[2][7] == "100.0"
    assert rows[2][12:] == ["", ""]

    every = client.get(_url(quiz), {"attempts": "all", "download": "csv"})
    assert 'filename="item-statistics-crest-quiz-all.csv"' in every["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(every.content.decode("utf-8-sig"))))
    assert rows[1][6:8] == ["2", "50.0"]


def test_only_editors_see_the_statistics(client, quiz):
    client.force_login(UserFactory())
    response = client.get(_url(quiz), {"download": "csv"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
