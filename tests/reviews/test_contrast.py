"""Contrast review of near-miss twins: the pair made from a confusion, its card in the
session, the side-by-side view, right days on separate days, and retirement."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quizzes.services import attempt_submit
from reviews.contrast import contrast_recount, highlight
from reviews.models import Card, ContrastPair, Rating, State
from reviews.selectors import due_queue, due_reviews, local_day_start
from reviews.services import review_record
from tests.factories import EnrollmentFactory, LessonFactory, QuizFactory, UserFactory

from .contrast_cases import FACET, NEGATIVE, POSITIVE, SCN, SIJ, case, option, twins

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
# 09:00 on a Monday in New York (UTC-5), once the content is live; fsrs wants UTC.
START = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)


@pytest.fixture
def quiz():
    """A lesson's self-check: every question answered (no sitting's draw)."""
    lesson = LessonFactory()
    return QuizFactory(module=lesson.module, lesson=lesson)


@pytest.fixture
def bank(quiz):
    """Another quiz of the module, holding the twins of the cases answered."""
    return QuizFactory(module=quiz.module)


@pytest.fixture
def learner(quiz):
    user = UserFactory(time_zone="America/New_York")
    EnrollmentFactory(user=user, course=quiz.course)
    return user


@pytest.fixture
def pair_cases(quiz, bank):
    """The crest block case keyed SCN, its twin keyed SIJ, and a third twin keyed facet."""
    positive = case(quiz, SCN, POSITIVE, slug="crest-block-positive")
    negative = case(bank, SIJ, NEGATIVE, slug="crest-block-negative")
    facet = case(bank, FACET, NEGATIVE.replace("crest", "facet"), slug="facet-block")
    twins(positive, facet, negative)
    return positive, negative, facet


def _miss(learner, quiz, question, chosen, now):
    with time_machine.travel(now, tick=False):
        return attempt_submit(
            user=learner, quiz=quiz, answers={question.pk: [option(question, chosen)]}, now=now
        )


def test_a_confusion_pairs_the_case_with_its_twin_keyed_the_source_chosen(
    quiz, learner, pair_cases
):
    positive, negative, facet = pair_cases
    _miss(learner, quiz, positive, SIJ, START)
    pair = ContrastPair.objects.get(user=learner)
    assert (pair.case_a, pair.case_b) == tuple(sorted([positive, negative], key=lambda q: q.pk))
    assert pair.missed == positive and pair.case_a_id < pair.case_b_id
    card = Card.objects.get(user=learner, kind=Card.Kind.CONTRAST)
    assert card.contrast == pair
    assert card.question == negative  # the twin is asked first
    assert not card.is_new and card.state == State.LEARNING
    assert card.due == START + timedelta(minutes=10)


def test_without_a_twin_keyed_the_source_chosen_another_keyed_twin_is_taken(quiz, bank, learner):
    positive = case(quiz, SCN, POSITIVE)
    negative = case(bank, SIJ, NEGATIVE)
    twins(positive, negative)
    _miss(learner, quiz, positive, FACET, START)  # no twin keyed facet
    assert ContrastPair.objects.get(user=learner).case_b_id in (positive.pk, negative.pk)
    assert Card.objects.filter(user=learner, kind=Card.Kind.CONTRAST).count() == 1


def test_no_pair_without_a_keyed_twin(quiz, bank, learner):
    lonely = case(quiz, SCN)
    same = case(bank, SCN, NEGATIVE)  # a twin keyed the same source does not contrast
    twins(lonely, same)
    _miss(learner, quiz, lonely, SIJ, START)
    assert not ContrastPair.objects.exists()
    assert not Card.objects.filter(kind=Card.Kind.CONTRAST).exists()


def test_a_pair_is_made_once(quiz, learner, pair_cases):
    positive, negative, _ = pair_cases
    _miss(learner, quiz, positive, SIJ, START)
    card = Card.objects.get(user=learner, question=positive, kind=Card.Kind.QUESTION)
    later = START + timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        review_record(
            user=learner,
            card_id=card.pk,
            reps=card.reps,
            choices=[option(positive, SIJ)],
            early=True,
            now=later,
        )
    assert ContrastPair.objects.filter(user=learner).count() == 1
    assert Card.objects.filter(user=learner, kind=Card.Kind.CONTRAST).count() == 1


def test_the_contrast_card_comes_in_the_session_after_the_cards_already_due(
    quiz, learner, pair_cases
):
    positive, *_ = pair_cases
    others = [case(quiz, FACET, slug=f"other-{i}") for i in range(3)]
    with time_machine.travel(START, tick=False):
        attempt_submit(
            user=learner,
            quiz=quiz,
            answers={
                positive.pk: [option(positive, SIJ)],
                **{q.pk: [option(q, SCN)] for q in others},  # wrong too: due again soon
            },
            now=START,
        )
    contrast = Card.objects.get(user=learner, kind=Card.Kind.CONTRAST)
    soon = START + timedelta(minutes=11)
    order = list(due_reviews(learner, soon).order_by("due", "pk"))
    assert order[-1] == contrast and len(order) == 5
    assert due_queue(learner, soon).card != contrast


def test_highlight_marks_the_one_finding_that_differs():
    a, b = highlight(POSITIVE, NEGATIVE)
    assert [s.text for s in a if s.marked] == ["falls", "2/10."]
    assert [s.text for s in b if s.marked] == ["barely changes,", "6/10."]
    assert " ".join(s.text for s in a) == " ".join(POSITIVE.split())


def _contrast_card(learner):
    return Card.objects.select_related("question").get(user=learner, kind=Card.Kind.CONTRAST)


def test_session_asks_one_side_then_shows_both_with_the_finding_marked(
    client, quiz, learner, pair_cases
):
    positive, negative, _ = pair_cases
    negative.vignette = NEGATIVE + " <b>Bold</b> & more."
    negative.save()
    _miss(learner, quiz, positive, SIJ, START)
    Card.objects.filter(user=learner, kind=Card.Kind.QUESTION).delete()
    card = _contrast_card(learner)
    soon = START + timedelta(minutes=11)
    with time_machine.travel(soon, tick=False):
        client.force_login(learner)
        page = client.get("/review/").content.decode()
        assert "Contrast case" in page and "near-miss twin" in page
        assert "barely changes" in page and "falls from" not in page  # one side alone
        response = client.post(
            f"/review/{card.pk}/",
            {"reps": card.reps, "choices": [option(negative, SCN)], "confidence": 3},
        )
    page = response.content.decode()
    assert "The twin cases side by side" in page
    assert '<mark><span class="visually-hidden">(differs:) </span>barely changes,</mark>' in page
    assert '<mark><span class="visually-hidden">(differs:) </span>falls</mark>' in page
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp;" in page and "<b>Bold</b>" not in page
    assert "Answer: <strong>Sacroiliac joint</strong>" in page
    assert "Answer: <strong>Superior cluneal nerve</strong>" in page
    # The wrong answer was recorded (Again) with its confusion, from the review's log.
    assert card.logs.get().rating == Rating.AGAIN
    assert learner.confusions.filter(review_log__isnull=False).count() == 1


def _answer(learner, card, question, right, when):
    key = question.choices.get(is_correct=True).source
    chosen = key if right else next(s for s in (SCN, SIJ, FACET) if s != key)
    with time_machine.travel(when, tick=False):
        return review_record(
            user=learner,
            card_id=card.pk,
            reps=card.reps,
            choices=[option(question, chosen)],
            rating=Rating.GOOD if right else None,
            early=True,
            now=when,
        )


def _right_days(pair):
    pair.refresh_from_db()
    sides = {pair.case_a_id: pair.a_right_days, pair.case_b_id: pair.b_right_days}
    return sides


def test_right_days_count_separate_days_and_the_sides_take_turns(quiz, learner, pair_cases):
    positive, negative, _ = pair_cases
    _miss(learner, quiz, positive, SIJ, START)
    card = _contrast_card(learner)
    pair = card.contrast
    _answer(learner, card, negative, True, START + timedelta(minutes=15))
    card = _contrast_card(learner)
    assert card.question == positive  # the side with fewer right days comes next
    assert _right_days(pair) == {negative.pk: 1, positive.pk: 0}
    _answer(learner, card, positive, True, START + timedelta(minutes=30))
    card = _contrast_card(learner)
    assert card.question == negative  # level again: the twin
    # 20:00 in New York: the same day for the learner, though the next in UTC.
    _answer(learner, card, negative, True, START + timedelta(hours=11))
    assert _right_days(pair) == {negative.pk: 1, positive.pk: 1}
    assert pair.a_last_right == START.astimezone(NEW_YORK).date()
    card = _contrast_card(learner)
    _answer(learner, card, card.question, False, START + timedelta(hours=12))  # wrong
    assert _right_days(pair) == {negative.pk: 1, positive.pk: 1}
    # Just after midnight in New York is the learner's next day.
    tomorrow = datetime(2027, 3, 2, 0, 30, tzinfo=NEW_YORK).astimezone(UTC)
    card = _contrast_card(learner)
    _answer(learner, card, card.question, True, tomorrow)
    days = _right_days(pair)
    assert sorted(days.values()) == [1, 2]
    assert pair.retired_at is None


def test_both_sides_right_on_two_days_retire_the_pair_and_undo_brings_it_back(
    quiz, learner, pair_cases
):
    positive, negative, _ = pair_cases
    _miss(learner, quiz, positive, SIJ, START)
    for day in range(2):
        for hour in (1, 2):
            card = _contrast_card(learner)
            _answer(learner, card, card.question, True, START + timedelta(days=day, hours=hour))
    card = _contrast_card(learner)
    pair = card.contrast
    assert pair.retired_at is not None
    assert (pair.a_right_days, pair.b_right_days) == (2, 2)
    assert card.suspended  # out of the queue, its logs kept
    later = START + timedelta(days=30)
    assert card not in due_reviews(learner, later)
    assert card.logs.count() == 4
    # Undo of the last review deletes its log: the recount brings the pair back.
    card.logs.order_by("-reviewed_at").first().delete()
    pair = contrast_recount(card=card, now=later)
    card.refresh_from_db()
    assert pair.retired_at is None and not card.suspended
    assert sorted([pair.a_right_days, pair.b_right_days]) == [1, 2]
    assert card.question_id == (pair.case_a_id if pair.a_right_days == 1 else pair.case_b_id)


def test_the_api_queue_and_result_carry_both_cases(api_client, quiz, learner, pair_cases):
    positive, negative, _ = pair_cases
    _miss(learner, quiz, positive, SIJ, START)
    Card.objects.filter(user=learner, kind=Card.Kind.QUESTION).delete()
    api_client.force_authenticate(learner)
    soon = START + timedelta(minutes=11)
    with time_machine.travel(soon, tick=False):
        nxt = api_client.get("/api/v1/reviews/due/").json()["next"]
        assert nxt["kind"] == "contrast"
        assert nxt["question"]["id"] == negative.pk and nxt["question"]["options"]
        assert nxt["contrast"]["missed"] == positive.pk
        result = api_client.post(
            f"/api/v1/reviews/{nxt['id']}/",
            {"reps": nxt["reps"], "choices": [option(negative, SIJ)], "early": True},
            format="json",
        ).json()
        confusions = api_client.get("/api/v1/reviews/confusions/").json()
    assert result["correct"] is True
    cases = result["contrast"]["cases"]
    assert [c["id"] for c in cases] == [negative.pk, positive.pk]
    assert cases[0]["asked"] and not cases[1]["asked"]
    assert cases[1]["key"] == ["Superior cluneal nerve"] and cases[1]["vignette"] == POSITIVE
    assert {"text": "falls", "marked": True} in cases[1]["highlighted"]
    assert cases[0]["right_days"] == 1
    assert [p["id"] for p in confusions["open_contrast_pairs"]] == [nxt["contrast"]["id"]]
    assert timezone.is_aware(START)


def test_answering_a_contrast_card_takes_the_same_queries_however_long_its_history(
    client, quiz, learner, pair_cases
):
    positive, negative, _ = pair_cases
    _miss(learner, quiz, positive, SIJ, START)
    Card.objects.filter(user=learner, kind=Card.Kind.QUESTION).delete()
    counts = []
    for hour in range(1, 4):
        card = _contrast_card(learner)
        wrong = next(
            s for s in (SCN, SIJ) if s != card.question.choices.get(is_correct=True).source
        )
        with time_machine.travel(START + timedelta(hours=hour), tick=False):
            client.force_login(learner)
            with CaptureQueriesContext(connection) as ctx:
                response = client.post(
                    f"/review/{card.pk}/",
                    {"reps": card.reps, "choices": [option(card.question, wrong)], "confidence": 2},
                )
        assert "The twin cases side by side" in response.content.decode()
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == counts[2]
    assert learner.confusions.filter(review_log__isnull=False).count() == 3


@pytest.mark.parametrize("right", [True, False])
def test_a_contrast_card_comes_back_on_a_later_day_not_in_the_same_session(
    quiz, learner, pair_cases, right
):
    """No same-day learning steps for a contrast card: ten minutes later it would only
    ask the case just seen. Right or wrong, FSRS brings it back on a later local day."""
    positive, negative, _ = pair_cases
    _miss(learner, quiz, positive, SIJ, START)
    card = _contrast_card(learner)
    when = START + timedelta(minutes=15)
    result = _answer(learner, card, negative, right, when)
    tomorrow = local_day_start(learner, when) + timedelta(days=1)
    assert result.next_due >= tomorrow
    assert result.card.state == State.REVIEW
    assert due_queue(learner, when + timedelta(minutes=30)).card != result.card
