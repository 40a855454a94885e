"""Quick start only: a clinician who, yesterday, took the superior cluneal nerve for the
sacroiliac joint on a module quiz case, so that today's review session brings the case
and its near-miss twin as a contrast pair, and their confusions start with that pair."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from course.models import Course
from course.services import enrollment_create
from devtools.demo import demo_clinician, move_back_a_day
from quizzes.models import Confidence, Question
from quizzes.services import attempt_submit, questions_to_take

CASE = "marathon-runner-crest-block-positive"  # keyed: the superior cluneal nerve
CHOSEN = "Sacroiliac joint"  # the wrong option the clinician chose, by its text


class Command(BaseCommand):
    help = (
        "Create the demo clinician (confused two sources on a quiz case yesterday) "
        "and print its login."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo clinician is for the quick start only (DEBUG=true).")
        email = os.environ.get("DEMO_CLINICIAN_EMAIL", "clinician@example.com")
        password = os.environ.get("DEMO_CLINICIAN_PASSWORD", "change-me-clinician")
        if not User.objects.filter(email=email).exists():
            self._create(email, password)
            self.stdout.write(self.style.SUCCESS("Created the demo clinician."))
        self.stdout.write(
            f"Clinician: http://127.0.0.1:8000/review/  email {email}  "
            f"password {password} (unless you changed it)"
        )

    def _case(self) -> tuple[Question, int, int]:
        """The case, its right option and the option to choose instead, which must
        name two different sources (the content's `source:` tags)."""
        case = (
            Question.objects.select_related("quiz")
            .filter(slug=CASE, quiz__course__audience="clinician", quiz__lesson__isnull=True)
            .first()
        )
        if case is None:
            raise CommandError(f"No module quiz case {CASE!r}: run load_content first.")
        options = list(case.choices.filter(retired=False))
        right = next(c for c in options if c.is_correct)
        chosen = next((c for c in options if c.text == CHOSEN), None)
        if chosen is None or not right.source or not chosen.source or right.source == chosen.source:
            raise CommandError(
                f"The options of {CASE!r} must name their sources (`source:` in quiz.yaml) "
                "for the demo clinician's confusion: load content with the sources tagged."
            )
        return case, right.pk, chosen.pk

    @transaction.atomic
    def _create(self, email: str, password: str) -> None:
        case, _, chosen = self._case()
        quiz = case.quiz
        user = demo_clinician(
            email=email,
            password=password,
            now=timezone.now(),
            registration_number="DEMO-0002",
            reminders_enabled=False,
        )
        for course in Course.objects.filter(status="published", audience="clinician"):
            enrollment_create(user=user, course=course)
        sitting, questions = questions_to_take(user=user, quiz=quiz)
        assert sitting is not None  # a module quiz is taken in sittings
        if case.pk not in sitting.question_ids:
            # The draw took its twin (one case of each twin group): sit this one instead.
            twins = set(case.twins.values_list("pk", flat=True))
            ids = sitting.question_ids
            at = next((i for i, pk in enumerate(ids) if pk in twins), 0)
            sitting.question_ids = [*ids[:at], case.pk, *ids[at + 1 :]]
            sitting.save(update_fields=["question_ids"])
            _, questions = questions_to_take(user=user, quiz=quiz)
        answers = {
            q.pk: [c.pk for c in q.choices.all() if c.is_correct] for q in questions
        }  # every other case right
        answers[case.pk] = [chosen]
        # Sure or fairly sure of each right answer (no card due today), and sure of the
        # wrong one: a confidently wrong answer, the first to study on the results page.
        confidences = {
            q.pk: Confidence.SURE if i % 2 else Confidence.FAIRLY_SURE
            for i, q in enumerate(questions)
        }
        confidences[case.pk] = Confidence.SURE
        attempt_submit(user=user, quiz=quiz, answers=answers, confidences=confidences)
        move_back_a_day(user)
