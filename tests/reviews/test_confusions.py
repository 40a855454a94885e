"""'The answer was X, they chose Y': recorded from quizzes and reviews, and read back by
the learner (progress page, API) and the editors (the module's matrix)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from quizzes.models import Attempt, Choice
from quizzes.services import attempt_submit
from quizzes.sources import passage_for
from reviews.confusions import (
    cohort_matrix,
    confused_sources,
    confused_sources_in,
    question_keys,
    top_confusions,
)
from reviews.models import Card, Confusion
from reviews.services import review_record
from tests.factories import (
    ChoiceFactory,
    EnrollmentFactory,
    QuestionFactory,
    QuizFactory,
    StaffFactory,
    UserFactory,
)

from .contrast_cases import FACET, SCN, SIJ, case, option

pytestmark = pytest.mark.django_db


def _choice(pk, source, right):
    return Choice(pk=pk, source=source, is_correct=right)


def test_single_answer_pairs_the_key_with_the_option_chosen():
    options = [_choice(1, SCN, True), _choice(2, SIJ, False), _choice(3, "", False)]
    assert confused_sources_in(options, {2}) == [(SCN, SIJ)]
    assert confused_sources_in(options, {1}) == []  # right
    assert confused_sources_in(options, {3}) == []  # the option names no source


def test_many_answers_pair_each_wrong_choice_with_each_right_one_missed():
    options = [
        _choice(1, SCN, True),
        _choice(2, SIJ, True),
        _choice(3, FACET, False),
        _choice(4, SCN, False),  # another region of the same source
    ]
    # SIJ was found, SCN missed: only the missed key counts, against each wrong choice.
    assert confused_sources_in(options, {2, 3, 4}) == [(SCN, FACET)]
    assert confused_sources_in(options, {3}) == [(SCN, FACET), (SIJ, FACET)]
    assert confused_sources_in(options, {1, 2, 3}) == []  # nothing right missed


@pytest.fixture
def quiz():
    return QuizFactory()


@pytest.fixture
def learner(quiz):
    user = UserFactory()
    EnrollmentFactory(user=user, course=quiz.course)
    return user


def test_a_quiz_attempt_records_its_confusions_in_one_insert(quiz, learner):
    missed = case(quiz, SCN)
    right = case(quiz, SIJ)
    untagged = QuestionFactory(quiz=quiz)
    ChoiceFactory(question=untagged, is_correct=True)
    plain_wrong = ChoiceFactory(question=untagged)
    with CaptureQueriesContext(connection) as ctx:
        attempt = attempt_submit(
            user=learner,
            quiz=quiz,
            answers={
                missed.pk: [option(missed, SIJ)],
                right.pk: [option(right, SIJ)],
                untagged.pk: [plain_wrong.pk],
            },
        )
    inserts = [
        q for q in ctx.captured_queries if q["sql"].startswith('INSERT INTO "reviews_confusion"')
    ]
    assert len(inserts) == 1
    row = Confusion.objects.get(user=learner)
    assert (row.question, row.answer_source, row.chosen_source) == (missed, SCN, SIJ)
    assert row.attempt == attempt and row.review_log is None
    assert row.module_id == quiz.module_id


def test_a_wrong_answer_in_a_review_records_a_confusion_from_its_log(quiz, learner):
    question = case(quiz, FACET)
    attempt_submit(user=learner, quiz=quiz, answers={question.pk: [option(question, FACET)]})
    assert not Confusion.objects.exists()  # answered right in the quiz
    card = Card.objects.get(user=learner, question=question)
    result = review_record(
        user=learner,
        card_id=card.pk,
        reps=card.reps,
        choices=[option(question, SCN)],
        early=True,
    )
    row = Confusion.objects.get(user=learner)
    assert (row.answer_source, row.chosen_source) == (FACET, SCN)
    assert row.review_log == result.log and row.attempt is None
    assert result.log.question == question


def _confuse(user, question, x, y, at, n=1):
    Confusion.objects.bulk_create(
        Confusion(
            user=user,
            question=question,
            module_id=question.quiz.module_id,
            answer_source=x,
            chosen_source=y,
            at=at,
            review_log=None,
            attempt=_attempt(user, question.quiz),
        )
        for _ in range(n)
    )


def _attempt(user, quiz):
    attempt, _ = Attempt.objects.get_or_create(
        user=user, quiz=quiz, defaults={"score": 0, "passed": False}
    )
    return attempt


def test_top_confusions_count_both_ways_together_most_first(quiz, learner):
    question = case(quiz, SCN)
    now = timezone.now()
    _confuse(learner, question, SCN, SIJ, now - timedelta(days=2), n=2)
    _confuse(learner, question, SIJ, SCN, now - timedelta(days=1))
    _confuse(learner, question, SCN, FACET, now, n=2)
    _confuse(UserFactory(), question, FACET, SIJ, now, n=9)  # someone else's
    top = top_confusions(learner)
    assert [(p.sources, p.count) for p in top] == [((SIJ, SCN), 3), ((FACET, SCN), 2)]
    assert top[0].last == now - timedelta(days=1)
    assert top[0].names == ("Sacroiliac joint", "Superior cluneal nerve")
    assert top[0].passage is not None and "#" in top[0].passage.url
    assert confused_sources(learner) == {(SCN, SIJ), (SIJ, SCN), (SCN, FACET)}
    assert question_keys([question.pk]) == {question.pk: {SCN}}


def test_progress_page_lists_the_pairs_in_a_table_in_fixed_queries(
    client, quiz, learner, django_assert_num_queries
):
    client.force_login(learner)
    empty = client.get("/review/progress/").content.decode()
    assert "No mix-ups yet" in empty
    question = case(quiz, SCN)
    now = timezone.now()
    _confuse(learner, question, SCN, SIJ, now, n=3)
    with CaptureQueriesContext(connection) as one:
        page = client.get("/review/progress/").content.decode()
    assert '<caption id="confusions-caption">' in page
    assert (
        '<th scope="row">Sacroiliac joint <span class="muted">and</span> '
        "Superior cluneal nerve</th>" in page
    )
    assert "<td>3</td>" in page
    sources = [f"source-{i}" for i in range(12)]
    for i in range(11):
        _confuse(learner, question, sources[i], sources[i + 1], now)
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get("/review/progress/").content.decode()
    table = page.split('id="confusions-caption"')[1].split("</table>")[0]
    assert table.count('<th scope="row">') == 8  # the top 8


def test_confusions_api_lists_own_pairs_and_is_in_the_schema(api_client, quiz, learner):
    question = case(quiz, SCN)
    _confuse(learner, question, SIJ, SCN, timezone.now(), n=2)
    _confuse(UserFactory(), question, FACET, SCN, timezone.now())
    assert api_client.get("/api/v1/reviews/confusions/").status_code == 401
    api_client.force_authenticate(learner)
    body = api_client.get("/api/v1/reviews/confusions/").json()
    passage = passage_for(SIJ, SCN)
    assert passage is not None
    assert body["pairs"] == [
        {
            "sources": [SIJ, SCN],
            "names": ["Sacroiliac joint", "Superior cluneal nerve"],
            "count": 2,
            "last": body["pairs"][0]["last"],
            "passage": {"url": passage.url, "title": passage.title},
        }
    ]
    assert body["open_contrast_pairs"] == []
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "/api/v1/reviews/confusions/" in schema["paths"]


def test_editors_see_the_modules_confusion_matrix_in_fixed_queries(
    client, quiz, learner, django_assert_num_queries
):
    question = case(quiz, SCN)
    now = timezone.now()
    _confuse(learner, question, SCN, SIJ, now, n=2)
    client.force_login(StaffFactory())
    stats = client.get(f"/admin/quizzes/quiz/{quiz.pk}/statistics/").content.decode()
    url = f"/admin/reviews/confusion/module/{quiz.module_id}/matrix/"
    assert url in stats
    with CaptureQueriesContext(connection) as small:
        page = client.get(url).content.decode()
    table = page.split('<table class="matrix">')[1].split("</table>")[0]
    # Columns carry the short label for the eye and the full name for screen readers.
    assert (
        '<th scope="col" title="Sacroiliac joint"><span aria-hidden="true">SI joint</span>'
        '<span class="visually-hidden">Sacroiliac joint</span></th>' in table
    )
    # Its own column is not applicable: a source is never taken for itself.
    assert (
        '<th scope="row">Superior cluneal nerve</th><td>2</td><td class="zero">'
        '<span aria-hidden="true">—</span>' in table
    )
    assert "Facet" not in table  # only sources that occur
    other = UserFactory()
    for source in (FACET, "lumbar-radicular", "hamstring-tendinopathy"):
        _confuse(other, question, source, SCN, now, n=3)
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(url).content.decode()
    assert '<span class="visually-hidden">Lumbar facet joints</span></th>' in page
    matrix = cohort_matrix(quiz.module)
    assert matrix.counts[(SCN, SIJ)] == 2 and matrix.total == 11
