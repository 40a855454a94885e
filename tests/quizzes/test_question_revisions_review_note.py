"""A review card of a question revised since the learner last answered it says so."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from quizzes.services import attempt_submit
from reviews.models import Card
from tests.factories import EnrollmentFactory, QuizFactory, UserFactory, question_with

pytestmark = pytest.mark.django_db

NOTE = "Updated since you last saw it."


def test_a_card_of_a_question_revised_since_says_it_was_updated(client):
    quiz = QuizFactory()
    question = question_with(quiz, correct=(0,))
    learner = UserFactory()
    EnrollmentFactory(user=learner, course=quiz.course)
    wrong = question.choices.order_by("order")[1].pk
    attempt_submit(user=learner, quiz=quiz, answers={question.pk: [wrong]})
    card = Card.objects.get(user=learner, question=question)
    client.force_login(learner)
    later = timezone.now() + timedelta(minutes=2)
    with time_machine.travel(later):
        assert NOTE not in client.get("/review/").content.decode()
        Card.objects.filter(pk=card.pk).update(question_version=1)
        question.version = 2
        question.save(update_fields=["version"])
        page = client.get("/review/").content.decode()
    assert NOTE in page
