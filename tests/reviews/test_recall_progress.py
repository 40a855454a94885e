"""The progress page and the stats API say how much the learner would recall now, by
module and by source of pain, against their desired retention, in a fixed number of
queries; after a review, the page says what the model expected of the card before it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.models import Card
from reviews.services import review_record
from tests.factories import (
    LessonFactory,
    QuizFactory,
    UserFactory,
    question_with,
    reviewed_key_point_card,
)
from tests.reviews.library_recall import library_recall

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 4, 2, 12, 0, tzinfo=UTC)
SIJ, CLUNEAL = "sacroiliac-joint", "superior-cluneal"


def card(user, lesson, *, stability, days, index=0, question=None):
    made = reviewed_key_point_card(
        user, lesson, due=NOW + timedelta(days=1), last_review=NOW - timedelta(days=days)
    )
    made.stability, made.key_index = stability, index
    if question is not None:
        made.kind, made.question, made.key_index, made.front, made.back = (
            Card.Kind.QUESTION,
            question,
            None,
            "",
            "",
        )
    made.save()
    return made


def library(made):
    return library_recall(made, NOW)


def case(quiz, source, slug, lesson):
    question = question_with(quiz, slug=slug, lesson=lesson, correct=(0, 1), options=3)
    # Two right options of one source (a case with two regions): the card counts once.
    question.choices.filter(is_correct=True).update(source=source)
    question.choices.filter(is_correct=False).update(source=CLUNEAL if source == SIJ else SIJ)
    return question


@pytest.fixture
def setup():
    learner = UserFactory(time_zone="Europe/London")
    quiz = QuizFactory()
    lesson = LessonFactory(module=quiz.module, course=quiz.course)
    fresh = card(learner, lesson, stability=20.0, days=0, index=0)  # 100%: just reviewed
    faded = card(learner, lesson, stability=2.0, days=30, index=1)
    cases = [
        card(learner, lesson, stability=10.0, days=12, question=case(quiz, SIJ, "c0", lesson)),
        card(learner, lesson, stability=1.0, days=40, question=case(quiz, SIJ, "c1", lesson)),
        card(learner, lesson, stability=50.0, days=3, question=case(quiz, CLUNEAL, "c2", lesson)),
    ]
    never = reviewed_key_point_card(learner, lesson, due=NOW, last_review=None)
    never.key_index, never.is_new, never.stability = 9, True, None
    never.save()  # no recall: left out
    return learner, quiz, lesson, [fresh, faded, *cases]


def test_the_progress_page_shows_recall_by_module_and_by_source(client, setup, time_machine):
    learner, quiz, _, cards = setup
    time_machine.move_to(NOW, tick=False)
    client.force_login(learner)
    page = client.get("/review/progress/").content.decode()
    section = page.split('id="recall-heading"')[1].split("</section>")[0]
    module_average = sum(library(c) for c in cards) / len(cards)
    below = sum(library(c) < 0.9 for c in cards)
    assert quiz.module.title in section
    assert f"<td>{round(100 * module_average)}%</td>" in section
    assert f"<td>{below} of 5 cards</td>" in section
    assert below == 3  # fresh and the cluneal case are above
    sij = [c for c in cards if c.question and c.question.slug in ("c0", "c1")]
    sij_average = round(100 * sum(library(c) for c in sij) / 2)
    assert "Sacroiliac" in section
    assert f"<td>{sij_average}%</td>" in section and "<td>2 of 2 cases</td>" in section
    assert "<td>1 of 1 case</td>" not in section and "<td>0 of 1 case</td>" in section
    assert "chance you would get it right if it were asked now" in section


def test_the_stats_api_gives_recall_now(api_client, setup, time_machine):
    learner, quiz, _, cards = setup
    time_machine.move_to(NOW, tick=False)
    api_client.force_authenticate(learner)
    body = api_client.get("/api/v1/reviews/stats/").json()["recall_now"]
    assert body["desired_retention"] == 0.9
    [module] = body["by_module"]
    assert module["title"] == quiz.module.title and module["cards"] == 5 and module["below"] == 3
    assert module["average"] == pytest.approx(sum(library(c) for c in cards) / 5, rel=1e-9)
    by_source = {row["key"]: row for row in body["by_source"]}
    assert set(by_source) == {SIJ, CLUNEAL}
    assert (by_source[SIJ]["cards"], by_source[CLUNEAL]["cards"]) == (2, 1)
    assert body["by_source"][0]["key"] == SIJ  # the most faded first
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    stats = schema["components"]["schemas"]["Stats"]["properties"]
    assert "recall_now" in stats


def test_the_progress_page_reads_recall_in_fixed_queries(
    client, setup, time_machine, django_assert_num_queries
):
    learner, quiz, lesson, _ = setup
    time_machine.move_to(NOW, tick=False)
    client.force_login(learner)
    with CaptureQueriesContext(connection) as few:
        client.get("/review/progress/")
    for i in range(10):
        card(learner, lesson, stability=3.0, days=i, index=20 + i)
        card(learner, lesson, stability=3.0, days=i, question=case(quiz, SIJ, f"more{i}", lesson))
    with django_assert_num_queries(len(few)):
        client.get("/review/progress/")


def test_after_a_review_the_page_says_the_recall_the_model_expected(client, setup, time_machine):
    learner, _, _, cards = setup
    faded = cards[1]
    time_machine.move_to(NOW, tick=False)
    client.force_login(learner)
    response = client.post(f"/review/{faded.pk}/", {"rating": 3, "reps": faded.reps}, follow=True)
    expected = round(100 * library(faded))
    assert f"Before this review, we estimated a {expected}% chance you would remember it." in (
        response.content.decode()
    )
    sij_case = cards[2]
    right = list(sij_case.question.choices.filter(is_correct=True).values_list("pk", flat=True))
    page = client.post(
        f"/review/{sij_case.pk}/",
        {"choices": right, "confidence": 2, "reps": sij_case.reps},
    ).content.decode()
    assert f"we estimated a {round(100 * library(sij_case))}% chance" in page
    assert "It comes back on <time" in page


def test_a_repeat_of_a_review_states_the_same_recall_before_it(setup):
    learner, _, _, cards = setup
    faded = cards[1]
    kwargs = {"user": learner, "card_id": faded.pk, "reps": faded.reps, "rating": 3, "early": True}
    first = review_record(**kwargs, now=NOW)
    again = review_record(**kwargs, now=NOW)
    assert again.replayed and again.parameters is None  # read afresh for the repeat
    assert first.recall_before == pytest.approx(library(faded), rel=1e-12)
    assert again.recall_before == first.recall_before
