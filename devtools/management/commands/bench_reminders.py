"""Time selecting, claiming and enqueueing reminders for N due learners.

    python manage.py bench_reminders --learners 100000

Fills N learners (each with a due card, all owed a reminder now), then measures in a
fresh process, so that the peak memory is the job's
own, not the filling's: wall time and peak RSS of `reminders_claim` plus putting every
batch on the queue. The claims are deleted afterwards, so it can be run again.
"""

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from accounts.models import User
from course.models import Course, Lesson, Module
from reminders.models import Reminder
from reminders.services import reminders_claim
from reminders.tasks import send_reminder_batch
from reviews.models import Card

PREFIX = "bench-reminder-"
DAYTIME_CANDIDATES = [
    "Europe/London",
    "Asia/Tokyo",
    "America/Chicago",
    "Asia/Kolkata",
    "Pacific/Honolulu",
]
CHUNK = 5000


def peak_rss_kib() -> int:
    """This process's peak resident memory. (getrusage's ru_maxrss would include the
    parent's peak from before exec; VmHWM belongs to this address space alone.)"""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


class Command(BaseCommand):
    help = "Benchmark the reminder job's selection, claiming and enqueueing."

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=10_000)
        parser.add_argument("--measure", action="store_true", help="(internal) measure only")

    def handle(self, *args: Any, learners: int, measure: bool, **options: Any) -> None:
        if measure:
            return self._measure()
        self.stdout.write(f"Filling {learners:,} learners with a due card…")
        started = time.perf_counter()
        self._fill(learners)
        self.stdout.write(f"  filled in {time.perf_counter() - started:.1f} s")
        result = subprocess.run(  # noqa: S603 (our own manage.py)
            [
                sys.executable,
                "manage.py",
                "bench_reminders",
                "--measure",
                "--learners",
                str(learners),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        self.stdout.write(result.stdout.strip())

    def _measure(self) -> None:
        now = timezone.now()
        rss_before = peak_rss_kib()
        started = time.perf_counter()
        batches = reminders_claim(now=now)
        claimed = time.perf_counter()
        for ids in batches:
            send_reminder_batch.apply_async((ids,), queue="bench-reminders")
        done = time.perf_counter()
        peak = peak_rss_kib()
        total = sum(len(b) for b in batches)
        self.stdout.write(
            f"{connection.vendor}: {total:,} reminders claimed in {claimed - started:.2f} s, "
            f"{len(batches)} batches enqueued in {done - claimed:.2f} s; "
            f"total {done - started:.2f} s; peak RSS {peak / 1024:.0f} MiB "
            f"(at start {rss_before / 1024:.0f} MiB)"
        )
        Reminder.objects.filter(user__email__startswith=PREFIX).delete()

    def _fill(self, n: int) -> None:
        User.objects.filter(email__startswith=PREFIX).delete()
        past = datetime(2026, 1, 1, tzinfo=UTC)
        course, _ = Course.objects.get_or_create(
            slug="bench-reminders",
            defaults={
                "title": "Bench",
                "audience": "patient",
                "summary": "B",
                "description_md": "B",
                "status": "published",
                "publish_at": past,
            },
        )
        module, _ = Module.objects.get_or_create(
            course=course,
            slug="m",
            defaults={"title": "M", "status": "published", "publish_at": past},
        )
        lesson, _ = Lesson.objects.get_or_create(
            course=course,
            slug="l",
            defaults={
                "module": module,
                "title": "L",
                "summary": "S",
                "body_md": "B",
                "status": "published",
                "publish_at": past,
            },
        )
        password = make_password(None)
        now = timezone.now()
        # A zone where it is day now, so that every learner's hour (07:00) has come.
        zone = next(z for z in DAYTIME_CANDIDATES if 8 <= now.astimezone(ZoneInfo(z)).hour <= 20)
        for start in range(0, n, CHUNK):
            size = min(CHUNK, n - start)
            users = User.objects.bulk_create(
                User(
                    email=f"{PREFIX}{start + i}@example.org",
                    password=password,
                    time_zone=zone,
                    reminder_hour=7,
                )
                for i in range(size)
            )
            Card.objects.bulk_create(
                Card(
                    user=u,
                    kind="key_point",
                    lesson=lesson,
                    key_index=0,
                    course=course,
                    module=module,
                    front="Q",
                    back="A",
                    is_new=False,
                    state=2,
                    stability=3.0,
                    difficulty=5.0,
                    due=now - timedelta(hours=1),
                    last_review=now - timedelta(days=3),
                )
                for u in users
            )
        with connection.cursor() as cursor:
            analyse = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
            for table in ("accounts_user", "reviews_card", "reminders_reminder"):
                cursor.execute(f"{analyse} {table}")
