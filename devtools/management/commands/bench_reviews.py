"""Time the due queue and answering a review for a learner with a large deck.

    python manage.py bench_reviews --cards 10000 --logs 100000

Creates a learner with that many cards and review logs (in a course of its own), times
`due_queue`, the progress page's recall now (by module and by source, `recall_now`) and
`review_record` over many runs, prints median and 95th percentile, shows
the plan of the due query, then deletes what it made (unless --keep).
"""

import random
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from course.models import Course, Lesson, Module
from reviews.memory import parameters_for
from reviews.models import Card, ReviewLog, State
from reviews.progress import recall_now
from reviews.selectors import due_queue, due_reviews
from reviews.services import review_record

BATCH = 5000


def bench_lesson(now: datetime) -> tuple[Course, Module, Lesson]:
    """A published course, module and lesson of its own for a benchmark's cards."""
    course = Course.objects.create(
        slug=f"bench-{time.time_ns()}",
        title="Benchmark",
        audience="patient",
        summary="Benchmark",
        description_md="Benchmark",
        status="published",
        publish_at=now - timedelta(days=400),
    )
    module = Module.objects.create(
        course=course,
        slug="m",
        title="M",
        status="published",
        publish_at=now - timedelta(days=400),
    )
    lesson = Lesson.objects.create(
        module=module,
        slug="l",
        title="L",
        summary="S",
        body_md="B",
        status="published",
        publish_at=now - timedelta(days=400),
    )
    return course, module, lesson


class Command(BaseCommand):
    help = "Benchmark the review queue and review answers at scale."

    def add_arguments(self, parser):
        parser.add_argument("--cards", type=int, default=10_000)
        parser.add_argument("--logs", type=int, default=100_000)
        parser.add_argument("--runs", type=int, default=200)
        parser.add_argument("--keep", action="store_true", help="Keep the data afterwards.")

    def handle(
        self, *args: Any, cards: int, logs: int, runs: int, keep: bool, **options: Any
    ) -> None:
        rng = random.Random(42)  # noqa: S311 (test data)
        now = timezone.now()
        vendor = connection.vendor
        self.stdout.write(f"Database: {vendor}. Filling {cards:,} cards and {logs:,} logs…")
        started = time.perf_counter()
        user, course = self._fill(cards, logs, now, rng)
        self.stdout.write(f"  filled in {time.perf_counter() - started:.1f} s")
        # A live database's autovacuum would have gathered statistics (and, on PostgreSQL,
        # set the visibility map that index-only scans need) by now.
        analyse = "VACUUM ANALYZE" if vendor == "postgresql" else "ANALYZE"
        with connection.cursor() as cursor:
            for table in ("reviews_card", "reviews_reviewlog"):
                cursor.execute(f"{analyse} {table}")
        try:
            queue_ms = self._time(runs, lambda _: due_queue(user, now))
            recall_ms = self._time(runs, lambda _: recall_now(user, parameters_for(user), now))
            due_ids = list(
                Card.objects.filter(user=user, is_new=False, due__lte=now)
                .order_by("due")
                .values_list("pk", flat=True)[: runs + 1]
            )
            answer_ms = self._time(
                len(due_ids) - 1,
                lambda i: review_record(
                    user=user,
                    card_id=due_ids[i],
                    reps=10,  # as the cards were filled
                    rating=rng.choice([1, 2, 3, 4]),
                    now=now,
                ),
            )
            self._report("queue (due_queue)", queue_ms)
            self._report("recall now (progress page)", recall_ms)
            self._report("answer (review_record)", answer_ms)
            plan = due_reviews(user, now).order_by("due", "pk").values("pk")[:1].explain()
            self.stdout.write("Plan of the due query:\n  " + plan.replace("\n", "\n  "))
        finally:
            if not keep:
                user.delete()
                course.delete()

    def _fill(
        self, cards: int, logs: int, now: datetime, rng: random.Random
    ) -> tuple[User, Course]:
        with transaction.atomic():
            user = User.objects.create_user(
                email=f"bench-{time.time_ns()}@example.org", password=None, name="Bench"
            )
            course, module, lesson = bench_lesson(now)
        rows = []
        for i in range(cards):
            kind = rng.random()
            if kind < 0.2:  # new
                state, is_new, due, last = State.LEARNING, True, now, None
                stability = difficulty = None
            else:
                state = State.REVIEW if kind < 0.9 else State.RELEARNING
                is_new = False
                due = now + timedelta(days=rng.uniform(-30, 60))
                last = due - timedelta(days=rng.uniform(1, 30))
                stability, difficulty = rng.uniform(1, 60), rng.uniform(1, 10)
            rows.append(
                Card(
                    user=user,
                    kind="key_point",
                    course=course,
                    module=module,
                    lesson=lesson,
                    key_index=i,
                    front=f"Q{i}",
                    back=f"A{i}",
                    state=state,
                    step=None if state == State.REVIEW else 0,
                    stability=stability,
                    difficulty=difficulty,
                    due=due,
                    last_review=last,
                    is_new=is_new,
                    reps=0 if is_new else 10,
                    created_at=now - timedelta(days=400),
                )
            )
        Card.objects.bulk_create(rows, batch_size=BATCH)
        ids = list(Card.objects.filter(user=user, is_new=False).values_list("pk", flat=True))
        for start in range(0, logs, BATCH):
            ReviewLog.objects.bulk_create(
                [
                    ReviewLog(
                        card_id=rng.choice(ids),
                        user=user,
                        module=module,
                        rating=rng.choice([1, 2, 3, 3, 3, 4]),
                        reviewed_at=now - timedelta(days=rng.uniform(0, 365)),
                        state_before=2,
                        state_after=2,
                        due_before=now,
                        due_after=now,
                    )
                    for _ in range(min(BATCH, logs - start))
                ]
            )
        return user, course

    def _time(self, runs: int, fn: Callable[[int], object]) -> list[float]:
        fn(0)  # warm up
        timings = []
        for i in range(1, runs + 1):
            started = time.perf_counter()
            fn(i)
            timings.append((time.perf_counter() - started) * 1000)
        return timings

    def _report(self, name: str, timings: list[float]) -> None:
        p95 = sorted(timings)[max(0, int(len(timings) * 0.95) - 1)]
        self.stdout.write(
            f"{name}: median {statistics.median(timings):.2f} ms, "
            f"p95 {p95:.2f} ms over {len(timings)} runs"
        )
