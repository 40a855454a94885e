"""A question card and each review log keep the version of the question answered; a
contrast card's log keeps the version of the side that was asked."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from quizzes.models import Question
from quizzes.services import attempt_submit
from reviews.models import Card, Rating, ReviewLog
from reviews.services import review_record
from tests.factories import EnrollmentFactory, LessonFactory, QuizFactory, UserFactory

from .contrast_cases import NEGATIVE, POSITIVE, SCN, SIJ, case, option, twins

pytestmark = pytest.mark.django_db

START = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)


@pytest.fixture
def quiz():
    lesson = LessonFactory()
    return QuizFactory(module=lesson.module, lesson=lesson)


@pytest.fixture
def learner(quiz):
    user = UserFactory()
    EnrollmentFactory(user=user, course=quiz.course)
    return user


def _publish(question, version):
    Question.objects.filter(pk=question.pk).update(version=version)


def _review(learner, card, question, source, when):
    with time_machine.travel(when, tick=False):
        return review_record(
            user=learner,
            card_id=card.pk,
            reps=card.reps,
            choices=[option(question, source)],
            early=True,
            now=when,
        )


def test_the_card_from_a_quiz_answer_and_its_first_log_keep_the_answered_version(quiz, learner):
    question = case(quiz, SCN)
    _publish(question, 2)
    with time_machine.travel(START, tick=False):
        attempt_submit(user=learner, quiz=quiz, answers={question.pk: [option(question, SCN)]})
    card = Card.objects.get(user=learner, question=question)
    assert card.question_version == 2
    assert card.logs.get().question_version == 2


def test_each_review_of_a_question_card_keeps_the_version_asked_then(quiz, learner):
    question = case(quiz, SCN)
    with time_machine.travel(START, tick=False):
        attempt_submit(user=learner, quiz=quiz, answers={question.pk: [option(question, SIJ)]})
    card = Card.objects.get(user=learner, question=question)
    assert card.question_version == 1
    _publish(question, 2)
    result = _review(learner, card, question, SCN, START + timedelta(hours=1))
    assert result.log.question_version == 2 and result.card.question_version == 2
    card.refresh_from_db()
    assert card.question_version == 2
    logs = ReviewLog.objects.filter(card=card).order_by("reps")
    assert [log.question_version for log in logs] == [1, 2]  # the earlier log is kept


def test_a_contrast_cards_log_keeps_the_version_of_the_side_asked(quiz, learner):
    bank = QuizFactory(module=quiz.module)
    positive = case(quiz, SCN, POSITIVE, slug="crest-block-positive")
    negative = case(bank, SIJ, NEGATIVE, slug="crest-block-negative")
    twins(positive, negative)
    _publish(positive, 4)
    _publish(negative, 7)
    with time_machine.travel(START, tick=False):
        attempt_submit(user=learner, quiz=quiz, answers={positive.pk: [option(positive, SIJ)]})
    card = Card.objects.get(user=learner, kind=Card.Kind.CONTRAST)
    assert card.question == negative  # the twin is asked first
    result = _review(learner, card, negative, SIJ, START + timedelta(minutes=15))
    assert result.log.rating != Rating.AGAIN
    assert result.log.question_id == negative.pk and result.log.question_version == 7
    card.refresh_from_db()
    assert card.question == positive  # it asks the other side next
    # The card itself keeps no version: its question changes from side to side.
    assert card.question_version is None
    result = _review(learner, card, positive, SCN, START + timedelta(minutes=30))
    assert result.log.question_id == positive.pk and result.log.question_version == 4
