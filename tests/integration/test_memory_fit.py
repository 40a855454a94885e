"""The nightly memory-model fit through Redis, a real Celery worker and PostgreSQL: the
beat job fits the course cohort, hands the learners out in batches, each learner's fit is
kept and the accepted one schedules their cards; a second night with no new reviews
fits nobody."""

import fsrs_rs_python as fsrs_rs
import pytest

from reviews import memory
from reviews.models import Card, MemoryFit, ReviewLog
from reviews.tasks import fit_memory_models
from tests.factories import LessonFactory, UserFactory
from tests.reviews.memory_learners import WEAKER_KEEPER, put_in_database, simulated

from .conftest import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _two_learners_a_task(monkeypatch):
    # Read by the worker when it starts (after this fixture): five learners, three tasks.
    monkeypatch.setenv("MEMORY_FIT_BATCH_SIZE", "2")


def test_the_nightly_fit_on_a_real_worker(celery_worker):
    lesson = LessonFactory()
    keen = UserFactory()
    put_in_database(keen, lesson, simulated(WEAKER_KEEPER, seed=1))
    others = [UserFactory() for _ in range(4)]
    for seed, user in enumerate(others, start=2):
        put_in_database(user, lesson, simulated(WEAKER_KEEPER, cards=30, seed=seed))
    idle = UserFactory()  # a few reviews only: not fitted yet
    put_in_database(idle, lesson, simulated(cards=2, days=10))
    learners = [keen, *others]

    worker = celery_worker()
    fit_memory_models.delay()

    def fitted() -> bool:
        return MemoryFit.objects.filter(
            scope=MemoryFit.Scope.COHORT
        ).count() == 1 and MemoryFit.objects.filter(scope=MemoryFit.Scope.LEARNER).count() == len(
            learners
        )

    wait_until(fitted, what="the cohort and five learners fitted", timeout=180)

    def batches_done() -> int:
        lines = worker.log.read_text().splitlines()
        return sum("fit_learner_batch[" in line and "succeeded" in line for line in lines)

    wait_until(lambda: batches_done() == 3, what="three batches finished", timeout=60)

    cohort = MemoryFit.objects.get(scope=MemoryFit.Scope.COHORT)
    assert cohort.course_id == lesson.course_id
    assert cohort.review_count == ReviewLog.objects.filter(card__course=lesson.course).count()
    assert not MemoryFit.objects.filter(user=idle).exists()
    for user in learners:
        fit = MemoryFit.objects.get(user=user)
        assert fit.review_count == ReviewLog.objects.filter(user=user).count()
        assert fit.in_use == fit.accepted
        assert fit.accepted or fit.reason
    own = MemoryFit.objects.get(user=keen)
    assert own.in_use and own.log_loss < own.default_log_loss

    # The keen learner's cards now carry the memory state their own fit gives their logs.
    card = Card.objects.filter(user=keen, state=2).order_by("pk").first()
    history = list(
        ReviewLog.objects.filter(card=card)
        .order_by("reviewed_at")
        .values_list("rating", "reviewed_at")
    )
    state = fsrs_rs.FSRS(own.parameters).memory_state(memory.history_item(history))
    assert card.stability == pytest.approx(state.stability, rel=1e-5)

    # A second night with no new reviews: nobody is fitted again.
    assert fit_memory_models.apply().get() == 0
    assert MemoryFit.objects.count() == len(learners) + 1
