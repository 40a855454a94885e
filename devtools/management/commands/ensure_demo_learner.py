"""Quick start only: a learner who took a quiz and finished a lesson yesterday, so that
today's review session and the forecast have something in them."""

import os
import random
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from course.engagement import required_seconds
from course.models import Course
from course.services import enrollment_create, lesson_record_view, lesson_set_done
from devtools.demo import demo_clinician, move_back_a_day
from outbox.services import enqueue_after_commit
from quizzes.models import Quiz
from quizzes.services import attempt_submit, questions_to_take
from reminders.tasks import send_due_reminders


class Command(BaseCommand):
    help = "Create the demo learner (a quiz and a lesson done yesterday) and print its login."

    def handle(self, *args, **options):
        email = os.environ.get("DEMO_LEARNER_EMAIL", "learner@example.com")
        password = os.environ.get("DEMO_LEARNER_PASSWORD", "change-me-learner")
        if not User.objects.filter(email=email).exists():
            self._create(email, password)
            self.stdout.write(self.style.SUCCESS("Created the demo learner."))
            # Beat runs the reminder job every five minutes; queue one run now so that
            # the worker prints the demo learner's reminder as soon as it starts.
            enqueue_after_commit(send_due_reminders)
        self.stdout.write(
            f"Learner: http://127.0.0.1:8000/review/  email {email}  "
            f"password {password} (unless you changed it)"
        )

    @transaction.atomic
    def _create(self, email: str, password: str) -> None:
        # Living where it is day now, so that today's reminder is owed at once.
        user = demo_clinician(
            email=email,
            password=password,
            now=timezone.now(),
            registration_number="DEMO-0001",
            reminder_hour=7,
        )
        rng = random.Random(7)  # noqa: S311 (demo data)
        for course in Course.objects.filter(status="published"):
            enrollment_create(user=user, course=course)
        quiz = (
            Quiz.objects.filter(course__audience="clinician", lesson__isnull=True)
            .order_by("module__order")
            .first()
        )
        if quiz is None:
            return
        for lesson in quiz.module.lessons.order_by("order")[:1]:
            # Read for as long as the lesson asks (a view that long ago), then done.
            now = timezone.now()
            lesson_record_view(
                user=user, lesson=lesson, now=now - timedelta(seconds=required_seconds(lesson))
            )
            lesson_set_done(user=user, lesson=lesson, now=now)
        answers = {}
        # The questions of a sitting drawn from the pool, with the options offered now.
        _, questions = questions_to_take(user=user, quiz=quiz)
        for question in questions:
            choices = list(question.choices.all())
            right = [c.pk for c in choices if c.is_correct]
            wrong = [c.pk for c in choices if not c.is_correct]
            # About a third wrong, so that some cards come back sooner.
            answers[question.pk] = [rng.choice(wrong)] if rng.random() < 0.35 else right
        attempt_submit(user=user, quiz=quiz, answers=answers)
        move_back_a_day(user)
