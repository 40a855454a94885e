"""The day after finishing the CPD course: a clinician who studied the whole shipped
clinician course today, with a realistic mix of answers, has a review load they would
accept the next day, and no right, sure quiz answer comes back the same day."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from course.content_loader import load_content
from devtools.management.commands.review_load import finish_course, week_after
from quizzes.models import Answer, Confidence
from reviews import selectors
from reviews.models import Card, ReviewLog

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("balanced", [False, True], ids=["exact", "balanced"])
def test_the_day_after_finishing_the_course_is_at_most_about_twenty_reviews(settings, balanced):
    """With fsrs's exact dates (the tests' default) and with due dates balanced (the
    site's): the next day's reviews have intervals of a day or two, which are neither
    fuzzed nor balanced, so balancing leaves the day after as it is."""
    settings.SRS_LOAD_BALANCING = balanced
    assert load_content().ok
    done = finish_course(email="finisher@example.com", start=timezone.now())
    user = done.user
    answers = Answer.objects.filter(attempt__user=user)
    assert done.questions == answers.count() >= 30
    assert 0.78 <= done.right / done.questions <= 0.9
    assert done.sure_wrong >= 1  # a few confidently wrong
    assert set(answers.values_list("confidence", flat=True)) == set(Confidence.values)
    # "Done today" starts at 0: the quiz answers are not the day's reviews.
    counts = selectors.today(user, done.at)
    assert counts.done == 0 and counts.new_seen == 0
    # No card from a right answer given fairly sure or sure is due the same day; every
    # wrong or guessed one is.
    tonight = selectors.local_day_start(user, done.at) + timedelta(days=1)
    for log in ReviewLog.objects.filter(user=user, in_quiz=True).select_related("card"):
        due_today = log.card.due < tonight
        sure_and_right = log.rating >= 3 and log.confidence != Confidence.GUESSING
        assert due_today is not sure_and_right, (log.rating, log.confidence)
    # The next day: at most about twenty reviews (new key points come under the limit).
    (next_day,) = week_after(user, done.at, days=1)
    assert 0 < next_day.reviews <= 20
    assert next_day.new <= user.new_cards_per_day
    assert Card.objects.filter(user=user, kind="key_point").count() > next_day.new


def test_the_command_prints_the_week(capsys):
    call_command("review_load", days=2)
    out = capsys.readouterr().out
    assert "finishes the clinician course today" in out
    assert "as fsrs gives them" in out  # the tests' settings: no balancing
    days = [line for line in out.splitlines() if line.startswith("day ")]
    assert len(days) == 2 and all("reviews +" in d and "min" in d for d in days)
    first = int(days[0].split(": ")[1].split(" reviews")[0])
    assert first <= 20
    # The simulated week is not kept: only the day of study.
    assert not ReviewLog.objects.filter(in_quiz=False).exists()
