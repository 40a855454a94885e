"""Fit the memory model now, in this process: what the nightly job does on the workers."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from course.models import Course
from reviews import fitting


class Command(BaseCommand):
    help = (
        "Fit the FSRS parameters to each course cohort and each learner whose reviews have "
        "grown since their last fit (as the nightly job does), and print what each fit gave."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        for course in Course.objects.filter(pk__in=fitting.courses_to_fit()):
            self._say(f"Course {course.title}", fitting.fit_cohort(course, now))
        learners = fitting.learners_to_fit()
        for fit in fitting.fit_learners(learners, now):
            self._say(f"Learner {fit.user_id}", fit)
        if not learners:
            self.stdout.write("No learner's reviews have grown enough since their last fit.")

    def _say(self, who: str, fit: Any) -> None:
        if fit.in_use:
            self.stdout.write(
                f"{who}: in use, {fit.review_count} reviews, held-out log loss "
                f"{fit.log_loss:.4f} against {fit.default_log_loss:.4f} for the defaults"
            )
        else:
            self.stdout.write(f"{who}: not used. {fit.reason}")
