"""The review load the day after a clinician finishes the CPD course, and the week after.

Builds, in the database it runs against, a clinician who studies the clinician course
from now on and finishes it today (local time, in a zone where it is the morning), from
the shipped content: every lesson read and done (self-checks answered), every
module quiz passed at the first sitting with a realistic mix (about 83 % right;
confidences mixed: mostly fairly sure or sure when right, a few confidently wrong).
Then prints the reviews due and the minutes they take on the next day and on each of the
six days after, the learner doing each day's session in full (simulated, and rolled
back: only the finished course is kept).

The answers, each with its confidence, go through the quiz service as the quiz pages
send them, so the cards, confusions and contrast pairs are made as for a real learner.
"""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from course.content_loader import load_content
from course.engagement import required_seconds
from course.models import Course, Lesson
from course.services import enrollment_create, lesson_record_view, lesson_set_done
from quizzes.models import Confidence, Quiz
from quizzes.services import attempt_submit, questions_to_take
from reviews import selectors
from reviews.balance import balancing_on
from reviews.models import Card
from reviews.scheduler import rating_for_answer
from reviews.services import review_record

EMAIL = "course-finisher@example.com"
RIGHT_SHARE = 0.83
# How sure a clinician says they are, when right and when wrong.
WHEN_RIGHT = [(Confidence.SURE, 0.35), (Confidence.FAIRLY_SURE, 0.47), (Confidence.GUESSING, 0.18)]
WHEN_WRONG = [(Confidence.GUESSING, 0.45), (Confidence.FAIRLY_SURE, 0.35), (Confidence.SURE, 0.20)]
# A morning, so that the day of study (about seven hours from the start) is one local day.
ZONES = [
    "Pacific/Kiritimati",
    "Pacific/Auckland",
    "Asia/Tokyo",
    "Asia/Bangkok",
    "Asia/Dubai",
    "Europe/Berlin",
    "Europe/London",
    "America/Sao_Paulo",
    "America/New_York",
    "America/Denver",
    "Pacific/Honolulu",
]


@dataclass
class Finished:
    user: User
    at: datetime  # the last quiz's submission
    questions: int
    right: int
    sure_wrong: int
    due_today: int


@dataclass
class DayLoad:
    day: date
    reviews: int  # due that day (learning steps of the day included)
    new: int  # new key points introduced within the daily limit
    minutes: int  # the estimate for the day's cards, from each card's own answer time


def _pick(rng: random.Random, weights: list[tuple[Confidence, float]]) -> int:
    return rng.choices([c for c, _ in weights], [w for _, w in weights])[0]


def _answer_quiz(
    user: User, quiz: Quiz, rng: random.Random, start: datetime, seconds_each: int
) -> list[tuple[bool, int]]:
    """Take the quiz from `start`, about `seconds_each` a question, passing it. Returns
    (right, confidence) for each answer."""
    _, questions = questions_to_take(user=user, quiz=quiz, now=start)
    n = len(questions)
    # About 17 % wrong, never so many that the quiz is failed.
    wrong_max = int(n * (100 - quiz.pass_mark) / 100)
    wrong = set(rng.sample(range(n), min(wrong_max, round(n * (1 - RIGHT_SHARE)))))
    answers: dict[int, list[int]] = {}
    said: dict[int, tuple[bool, int]] = {}
    for i, question in enumerate(questions):
        choices = list(question.choices.all())
        right = [c.pk for c in choices if c.is_correct]
        others = [c.pk for c in choices if not c.is_correct]
        ok = i not in wrong or not others
        answers[question.pk] = right if ok else [rng.choice(others)]
        said[question.pk] = (ok, _pick(rng, WHEN_RIGHT if ok else WHEN_WRONG))
    submitted = start + timedelta(seconds=seconds_each * n)
    attempt_submit(
        user=user,
        quiz=quiz,
        answers=answers,
        confidences={pk: confidence for pk, (_, confidence) in said.items()},
        now=submitted,
    )
    return list(said.values())


def finish_course(*, email: str, start: datetime, seed: int = 16, zone: str = "") -> Finished:
    """A clinician who studies the whole clinician course in one day from `start` (by
    default in a time zone where that is the morning; the content must be published by
    then)."""
    course = Course.objects.filter(audience=Course.Audience.CLINICIAN, status="published").first()
    if course is None:
        raise CommandError("No published clinician course: load the content first.")
    rng = random.Random(seed)  # noqa: S311 (simulated learner)
    zone = zone or next(z for z in ZONES if 7 <= start.astimezone(ZoneInfo(z)).hour <= 12)
    User.objects.filter(email=email).delete()
    user = User.objects.create_user(
        email=email,
        password=None,
        name="Course finisher",
        role=User.Role.CLINICIAN,
        time_zone=zone,
        reminders_enabled=False,
    )
    # The day of study: the lessons of a module, then its quiz, and on to the next.
    clock = start
    enrollment_create(user=user, course=course, now=clock)
    answered: list[tuple[bool, int]] = []
    for module in course.modules.order_by("order"):
        for lesson in Lesson.objects.filter(module=module).order_by("order"):
            lesson_record_view(user=user, lesson=lesson, now=clock)
            clock += timedelta(seconds=required_seconds(lesson) + 30)
            check = Quiz.objects.filter(lesson=lesson).first()
            if check is not None:
                answered += _answer_quiz(user, check, rng, clock, seconds_each=40)
                clock += timedelta(minutes=3)
            lesson_set_done(user=user, lesson=lesson, now=clock)
        quiz = Quiz.objects.filter(module=module, lesson__isnull=True).first()
        if quiz is not None:
            answered += _answer_quiz(user, quiz, rng, clock, seconds_each=75)
            clock += timedelta(minutes=20)
    if clock.astimezone(user.zone).date() != start.astimezone(user.zone).date():
        raise CommandError("The course takes longer than a day in this simulation.")
    return Finished(
        user=user,
        at=clock,
        questions=len(answered),
        right=sum(ok for ok, _ in answered),
        sure_wrong=sum(not ok and c == Confidence.SURE for ok, c in answered),
        due_today=selectors.today(user, clock).due_today,
    )


def _local_noon(user: User, day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=user.zone).astimezone(UTC)


def _review_the_day(user: User, now: datetime, rng: random.Random) -> None:
    """The learner's session at `now`: every card to go, learning steps included (the
    clock moves on to a step's due time when nothing else is left)."""
    for _ in range(500):
        card = selectors.due_queue(user, now).card
        if card is None:
            return
        now = max(now, card.due) + timedelta(seconds=30)
        if card.kind == Card.Kind.KEY_POINT:
            right = rng.random() < 0.88
            review_record(
                user=user,
                card_id=card.pk,
                reps=card.reps,
                rating=rating_for_answer(right, _pick(rng, WHEN_RIGHT)),
                now=now,
            )
            continue
        assert card.question is not None
        choices = list(card.question.choices.filter(retired=False))
        right = rng.random() < 0.88
        chosen = [c.pk for c in choices if c.is_correct]
        if not right:
            chosen = [rng.choice([c.pk for c in choices if not c.is_correct])]
        review_record(
            user=user,
            card_id=card.pk,
            reps=card.reps,
            choices=chosen,
            confidence=_pick(rng, WHEN_RIGHT if right else WHEN_WRONG),
            now=now,
        )


def week_after(user: User, now: datetime, *, days: int = 7, seed: int = 16) -> list[DayLoad]:
    """The load on each of the `days` days after `now`'s (seen at local noon, before
    that day's session), the learner doing each day's session in full."""
    rng = random.Random(seed + 1)  # noqa: S311 (simulated learner)
    first = now.astimezone(user.zone).date() + timedelta(days=1)
    loads = []
    for i in range(days):
        noon = _local_noon(user, first + timedelta(days=i))
        counts = selectors.today(user, noon)
        loads.append(DayLoad(noon.date(), counts.due_today, counts.new_available, counts.minutes))
        _review_the_day(user, noon, rng)
    return loads


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Build a clinician who finishes the clinician course today, and print the review "
        "load on the next day and the six after."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", default=EMAIL)
        parser.add_argument("--seed", type=int, default=16)
        parser.add_argument("--days", type=int, default=7, help="Days after to print.")
        parser.add_argument(
            "--no-load", action="store_true", help="Do not load the shipped content first."
        )

    def handle(self, *args, **options):
        if not options["no_load"]:
            report = load_content()
            if not report.ok:
                raise CommandError("The content did not load: run load_content to see why.")
        with transaction.atomic():
            done = finish_course(email=options["email"], start=timezone.now(), seed=options["seed"])
        self.stdout.write(
            f"{done.user.email} ({done.user.time_zone}) finishes the clinician course today "
            f"at {done.at.astimezone(done.user.zone):%H:%M}: "
            f"{done.questions} quiz answers, {done.right} right "
            f"({round(100 * done.right / max(1, done.questions))} %), {done.sure_wrong} "
            f"confidently wrong; {done.due_today} cards due again today."
        )
        self.stdout.write(
            "New due dates are balanced over the days (SRS_LOAD_BALANCING)."
            if balancing_on()
            else "New due dates are as fsrs gives them (SRS_LOAD_BALANCING off)."
        )
        loads: list[DayLoad] = []
        try:
            with transaction.atomic():
                loads = week_after(done.user, done.at, days=options["days"], seed=options["seed"])
                raise Rollback  # the simulated week is not kept
        except Rollback:
            pass
        for i, load in enumerate(loads, start=1):
            self.stdout.write(
                f"day {i} ({load.day:%a %d %b}): {load.reviews} reviews + {load.new} new "
                f"key points, about {load.minutes} min"
            )
