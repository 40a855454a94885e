"""Two requests that open the same module quiz at once (two tabs, a double click) get one
sitting: the database's partial unique constraint decides, and both show it."""

import threading

import pytest
from django.db import connection

from quizzes import sittings
from quizzes.models import Sitting
from tests.factories import ClinicianFactory, EnrollmentFactory, QuizFactory, question_with

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_two_requests_opening_a_quiz_at_once_share_one_sitting(monkeypatch):
    quiz = QuizFactory()
    for pair in range(3):
        question_with(quiz, slug=f"a{pair}").twins.add(question_with(quiz, slug=f"b{pair}"))
    user = ClinicianFactory()
    EnrollmentFactory(user=user, course=quiz.course)

    # Both requests find no open sitting and draw, then wait for each other before
    # inserting: the worst interleaving, every time.
    both_drew = threading.Barrier(2, timeout=30)
    real_draw = sittings.draw_questions

    def draw_then_wait(*args, **kwargs):
        drawn = real_draw(*args, **kwargs)
        both_drew.wait()
        return drawn

    monkeypatch.setattr(sittings, "draw_questions", draw_then_wait)
    results, errors = [], []

    def open_it():
        try:
            sitting = sittings.sitting_open(user=user, quiz=quiz)
            results.append((sitting.pk, tuple(sitting.question_ids)))
        except Exception as exc:  # noqa: BLE001 (reported by the assertion below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_it) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a request never finished"
    assert errors == []
    assert len(results) == 2 and results[0] == results[1]  # the same sitting for both
    assert Sitting.objects.filter(user=user, quiz=quiz).count() == 1
