import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from course.content_loader import load_content
from quizzes.models import Answer
from reviews.memory import parameters_for
from reviews.progress import recall_now
from reviews.selectors import due_queue, forecast

pytestmark = pytest.mark.django_db


def test_demo_learner_has_a_review_session_today(capsys, on_commit):
    assert load_content().ok
    with on_commit():
        call_command("ensure_demo_learner")
    call_command("ensure_demo_learner")  # a second run changes nothing
    assert "learner@example.com" in capsys.readouterr().out
    user = User.objects.get(email="learner@example.com")
    queue = due_queue(user)
    # The questions of the quiz sitting answered wrong yesterday are due today; those
    # answered right (no confidence given: Good) went straight into review, days away
    # (a sitting is a draw of the module quiz's pool: one case from each twin group).
    answered = Answer.objects.filter(attempt__user=user)
    assert answered.count() >= 3
    wrong = answered.filter(score__lt=1).count()
    assert 0 < wrong < answered.count()
    # Each wrong answer that took one source for another also brings its contrast pair.
    contrasts = user.cards.filter(kind="contrast").count()
    assert queue.reviews_due == wrong + contrasts and queue.card is not None
    assert queue.new_available > 0  # the key points of the lesson done yesterday
    assert forecast(user)[0].count == queue.reviews_due
    # Its reminder is owed now (the command queued the job; eager in tests).
    assert user.reminders.filter(sent_at__isnull=False).count() == 1
    # The quiz answered yesterday made reviewed cards: the progress page's recall now is
    # below 100% by module, and by source of pain for the cases.
    recall = recall_now(user, parameters_for(user), timezone.now())
    assert recall.modules and all(0 < row.percent < 100 for row in recall.modules)
    assert recall.sources and all(0 < row.percent < 100 for row in recall.sources)
