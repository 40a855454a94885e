"""Fit FSRS-6 to a cohort of simulated learners whose memory follows known parameters.

    python manage.py bench_memory --learners 300 --seed 17

Each learner's true parameters are drawn around a centre that is not the defaults: their
memory grows more slowly after each recall, falls further after a lapse, and fades on a
steeper curve. Their reviews are simulated (`reviews.simulate`: scheduled with the
defaults, as a learner without a fit is) and fitted with `reviews.memory.fit`, the pure
core the nightly job calls (no database). Reported:

- fit time for a learner with about 5,000 reviews (median of --heavy learners) and for the
  typical learner of our course (100 cards over 60 days: a few hundred reviews);
- the cohort fit (every typical learner's histories as one fit);
- the projected time for 10,000 learners on one worker, all refitted and with the rule
  that only learners with 50 or more new reviews since their last fit are refitted;
- log loss and RMSE on held-out reviews (the later fifth of each learner's), fitted
  against default parameters, as means over the cohort, and how many fits were accepted;
- peak memory as the learners are fitted one by one (it should stay flat).

Times are the fit's alone. With --db-learners N, N typical learners are also written to
the database (cards and logs) and the nightly job's own work is timed as a whole: reading
their logs, fitting, saving the fits and rescheduling the cards of those that go in use
(`reviews.fitting.fit_learners`), and the course cohort's fit (`fit_cohort`); the data is
deleted afterwards.
"""

import math
import random
import statistics
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import fsrs
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from accounts.models import User
from devtools.management.commands.bench_reminders import peak_rss_kib
from devtools.management.commands.bench_reviews import bench_lesson
from reviews import fitting
from reviews.fitting import REFIT_AFTER_NEW_REVIEWS
from reviews.memory import DEFAULT_PARAMETERS, FitOutcome, fit
from reviews.models import Card, Rating, ReviewLog, State
from reviews.simulate import simulate_histories

# The cohort's centre, as multiples of the defaults (and the decay set outright).
CENTRE_FACTORS = {8: 0.75, 9: 1.5, 11: 0.5}  # recall growth, its saturation, after a lapse
CENTRE_DECAY = 0.3  # w20: the defaults' 0.1542 is a flatter forgetting curve
SPREAD = 0.1  # each learner's parameters: the centre times e^N(0, SPREAD)
TYPICAL = {"cards": 100, "days": 60}  # our course: about 100 cards, a few hundred reviews
HEAVY = {"cards": 250, "days": 365}  # about 5,000 reviews
PROJECTED_LEARNERS = 10_000
SHOWN = (0, 1, 2, 3, 8, 9, 11, 20)  # the parameters set apart in the recovery table


def centre() -> list[float]:
    parameters = list(DEFAULT_PARAMETERS)
    for index, factor in CENTRE_FACTORS.items():
        parameters[index] *= factor
    parameters[20] = CENTRE_DECAY
    return parameters


def learner_parameters(rng: random.Random, around: Sequence[float]) -> list[float]:
    """One learner's true parameters, within the bounds the fsrs package accepts."""
    low = fsrs.scheduler.LOWER_BOUNDS_PARAMETERS
    high = fsrs.scheduler.UPPER_BOUNDS_PARAMETERS
    return [
        min(high[i], max(low[i], w * math.exp(rng.gauss(0, SPREAD)))) for i, w in enumerate(around)
    ]


def _write_learner(user: User, lesson: Any, histories: list[list[tuple[int, datetime]]]) -> None:
    """A learner's key-point cards with these histories as their logs (as the nightly job
    reads them); each card left in review after its last review."""
    cards = [
        Card(
            user=user,
            kind=Card.Kind.KEY_POINT,
            course_id=lesson.module.course_id,
            module_id=lesson.module_id,
            lesson=lesson,
            key_index=i,
            front=f"Q{i}",
            back="A",
            state=State.REVIEW,
            step=None,
            stability=1.0,
            difficulty=5.0,
            due=history[-1][1] + timedelta(days=1),
            last_review=history[-1][1],
            is_new=False,
            reps=len(history),
            created_at=history[0][1],
        )
        for i, history in enumerate(histories)
    ]
    Card.objects.bulk_create(cards)
    ReviewLog.objects.bulk_create(
        [
            ReviewLog(
                card=card,
                user=user,
                module_id=lesson.module_id,
                rating=rating,
                reviewed_at=at,
                was_new=reps == 0,
                reps=reps,
                state_before=State.REVIEW if reps else State.LEARNING,
                state_after=State.RELEARNING if rating == Rating.AGAIN else State.REVIEW,
                due_before=at,
                due_after=at,
            )
            for card, history in zip(cards, histories, strict=True)
            for reps, (rating, at) in enumerate(history)
        ],
        batch_size=5000,
    )


def mean(values: Sequence[float]) -> float:
    return statistics.fmean(values) if values else float("nan")


class Command(BaseCommand):
    help = "Benchmark fitting the memory model on simulated learners."

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=300, help="Typical learners.")
        parser.add_argument("--seed", type=int, default=17)
        parser.add_argument(
            "--heavy", type=int, default=7, help="Learners of ~5,000 reviews to time."
        )
        parser.add_argument(
            "--db-learners",
            type=int,
            default=0,
            help="Typical learners written to the database to time the nightly job's work.",
        )

    def handle(
        self, *args: Any, learners: int, seed: int, heavy: int, db_learners: int, **options: Any
    ) -> None:
        rng = random.Random(seed)  # noqa: S311 (simulated learners)
        start = datetime(2026, 1, 5, 8, tzinfo=UTC)
        middle = centre()
        self.stdout.write(
            f"Cohort of {learners} simulated learners (seed {seed}): true parameters around "
            f"a centre off the defaults (w8 ×0.75, w9 ×1.5, w11 ×0.5, w20 {CENTRE_DECAY}), "
            f"spread ×e^N(0, {SPREAD}); {TYPICAL['cards']} cards over {TYPICAL['days']} days."
        )

        # Learner by learner, as the nightly job goes: nothing of one learner is kept but
        # their outcome, so the peak memory should not grow with the cohort.
        learners_drawn = [
            (learner_parameters(rng, middle), rng.randrange(2**32)) for _ in range(learners)
        ]
        outcomes: list[FitOutcome] = []
        memory: list[tuple[int, int]] = []
        checkpoints = {1, max(1, learners // 10), max(1, learners // 2), learners}
        for index, (truth, learner_seed) in enumerate(learners_drawn):
            outcomes.append(
                fit(simulate_histories(truth, seed=learner_seed, start=start, **TYPICAL))
            )
            if index + 1 in checkpoints:
                memory.append((index + 1, peak_rss_kib()))
        per_day = [o.review_count / TYPICAL["days"] for o in outcomes]

        # The cohort: the same learners' histories (simulated again: same seeds, same
        # reviews) as one fit.
        cohort = [
            history
            for truth, learner_seed in learners_drawn
            for history in simulate_histories(truth, seed=learner_seed, start=start, **TYPICAL)
        ]
        started = time.perf_counter()
        whole = fit(cohort)
        cohort_seconds = time.perf_counter() - started
        cohort_peak = peak_rss_kib()
        del cohort

        heavy_runs: list[FitOutcome] = []
        for _ in range(heavy):
            truth = learner_parameters(rng, middle)
            histories = simulate_histories(truth, seed=rng.randrange(2**32), start=start, **HEAVY)
            heavy_runs.append(fit(histories))

        self._report_times(outcomes, heavy_runs, whole, cohort_seconds, per_day)
        self._report_losses(outcomes, whole)
        self._report_recovery(middle, whole)
        self.stdout.write(
            "Peak memory (VmHWM) after fitting learners one by one: "
            + ", ".join(f"{n}: {kib / 1024:.0f} MB" for n, kib in memory)
            + f"; after the cohort fit (all histories at once): {cohort_peak / 1024:.0f} MB"
        )
        if db_learners:
            self._time_the_job(db_learners, rng, middle)

    def _time_the_job(self, count: int, rng: random.Random, middle: Sequence[float]) -> None:
        """Write `count` typical learners (cards and logs), then time the nightly job's
        work on them as a whole, and delete them."""
        now = timezone.now()
        start = now - timedelta(days=TYPICAL["days"] + 1)
        course, module, lesson = bench_lesson(now)
        users = []
        try:
            for n in range(count):
                user = User.objects.create_user(
                    email=f"bench-fit-{time.time_ns()}-{n}@example.org", password=None
                )
                users.append(user)
                histories = simulate_histories(
                    learner_parameters(rng, middle),
                    seed=rng.randrange(2**32),
                    start=start,
                    **TYPICAL,
                )
                _write_learner(user, lesson, histories)
            ids = [u.pk for u in users]
            reviews = ReviewLog.objects.filter(user_id__in=ids).count()
            started = time.perf_counter()
            fits = fitting.fit_learners(ids, now)
            seconds = time.perf_counter() - started
            started = time.perf_counter()
            cohort = fitting.fit_cohort(course, now)
            cohort_seconds = time.perf_counter() - started
            per_learner = seconds / count
            self.stdout.write(
                f"The nightly job's work on {count} learners in {connection.vendor} "
                f"({reviews:,} reviews): read, fit, save and reschedule"
            )
            self._row("learners, as a whole", f"{seconds:,.2f} s", f"{len(fits)} fits kept")
            self._row("per learner", f"{per_learner * 1000:,.0f} ms")
            self._row(
                f"{PROJECTED_LEARNERS:,} learners, all refitted",
                f"{per_learner * PROJECTED_LEARNERS / 60:,.1f} min",
                "target < 1 hour",
            )
            self._row(
                "cohort fit of their course",
                f"{cohort_seconds:,.2f} s",
                "in use" if cohort.in_use else cohort.reason,
            )
        finally:
            User.objects.filter(pk__in=[u.pk for u in users]).delete()
            course.delete()

    def _row(self, label: str, value: str, note: str = "") -> None:
        self.stdout.write(f"  {label:<44} {value:>14}  {note}")

    def _report_times(
        self,
        outcomes: list[FitOutcome],
        heavy_runs: list[FitOutcome],
        whole: FitOutcome,
        cohort_seconds: float,
        per_day: list[float],
    ) -> None:
        typical = statistics.median(o.seconds for o in outcomes) if outcomes else 0.0
        reviews = statistics.median(o.review_count for o in outcomes) if outcomes else 0
        # A learner earns a refit once every REFIT_AFTER_NEW_REVIEWS / (reviews a day) nights; we
        # assume every one of the 10,000 is reviewing as actively as the simulated ones
        # do in their first weeks (an upper bound: many will have finished the course).
        share = mean([min(1.0, n / REFIT_AFTER_NEW_REVIEWS) for n in per_day])
        self.stdout.write("Fit times (fit and its held-out test; median)")
        if heavy_runs:
            heavy_seconds = statistics.median(o.seconds for o in heavy_runs)
            heavy_reviews = statistics.median(o.review_count for o in heavy_runs)
            self._row(
                f"learner, {heavy_reviews:,.0f} reviews (median of {len(heavy_runs)})",
                f"{heavy_seconds * 1000:,.0f} ms",
                "target < 2 s",
            )
        self._row(f"typical learner, {reviews:,.0f} reviews", f"{typical * 1000:,.1f} ms")
        self._row(
            f"cohort fit, {whole.review_count:,} reviews of {len(outcomes)}",
            f"{cohort_seconds:,.2f} s",
        )
        self._row(
            f"{PROJECTED_LEARNERS:,} learners, all refitted",
            f"{typical * PROJECTED_LEARNERS:,.0f} s",
            "target < 1 hour",
        )
        self._row(
            f"{PROJECTED_LEARNERS:,} learners, ≥{REFIT_AFTER_NEW_REVIEWS} new reviews only",
            f"{typical * PROJECTED_LEARNERS * share:,.0f} s",
            f"{share:.0%} a night: mean {mean(per_day):.1f} reviews a day "
            f"÷ {REFIT_AFTER_NEW_REVIEWS}",
        )

    def _report_losses(self, outcomes: list[FitOutcome], whole: FitOutcome) -> None:
        # (fitted, default) on each learner's held-out reviews, where there were enough.
        log_loss = [
            (o.log_loss, o.default_log_loss, o.accepted)
            for o in outcomes
            if o.log_loss is not None and o.default_log_loss is not None
        ]
        rmse = [
            (o.rmse, o.default_rmse)
            for o in outcomes
            if o.rmse is not None and o.default_rmse is not None
        ]
        self.stdout.write(
            f"Held-out reviews (later fifth of each learner's): {len(log_loss)} of "
            f"{len(outcomes)} learners tested, {sum(o.accepted for o in outcomes)} fits accepted"
        )
        self.stdout.write(f"  {'':<44} {'fitted':>8} {'default':>8} {'gain':>8}")
        defaults = mean([d for _, d, _ in log_loss])
        self._losses("log loss, mean over learners", mean([f for f, _, _ in log_loss]), defaults)
        self._losses(
            "RMSE (bins), mean over learners",
            mean([f for f, _ in rmse]),
            mean([d for _, d in rmse]),
        )
        # What learners get: a fit only where it was accepted, the defaults elsewhere.
        used = mean([f if accepted else d for f, d, accepted in log_loss])
        self._losses("log loss of what is used (fit if accepted)", used, defaults)
        if whole.log_loss is not None and whole.default_log_loss is not None:
            self._losses("cohort fit: log loss", whole.log_loss, whole.default_log_loss)
        if whole.rmse is not None and whole.default_rmse is not None:
            self._losses("cohort fit: RMSE (bins)", whole.rmse, whole.default_rmse)

    def _losses(self, label: str, fitted: float, default: float) -> None:
        self.stdout.write(f"  {label:<44} {fitted:>8.4f} {default:>8.4f} {default - fitted:>+8.4f}")

    def _report_recovery(self, middle: Sequence[float], whole: FitOutcome) -> None:
        self.stdout.write("Parameters recovered by the cohort fit (true centre, defaults)")
        self.stdout.write(f"  {'':>7} " + " ".join(f"{'w' + str(i):>7}" for i in SHOWN))
        for label, values in (
            ("fitted", whole.parameters),
            ("centre", middle),
            ("default", DEFAULT_PARAMETERS),
        ):
            self.stdout.write(f"  {label:>7} " + " ".join(f"{values[i]:>7.3f}" for i in SHOWN))
