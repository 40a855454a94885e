"""What a learner earned: a course completion, recorded once, and its CPD certificates.

These lived in the course app until the apps were put in layers; migration 0001 took
over their tables (renamed, with their rows) rather than copying them.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse

from course.models import Course


class CourseCompletion(models.Model):
    """A learner met the course's rules. Recorded once, and kept even if the course
    changes later."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="completions"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="one_completion_per_course")
        ]

    def __str__(self) -> str:
        return f"{self.user} completed {self.course}"


class Certificate(models.Model):
    """A CPD certificate, verifiable by anyone with its code."""

    completion = models.ForeignKey(
        CourseCompletion, on_delete=models.CASCADE, related_name="certificates"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates")
    number = models.PositiveSmallIntegerField(
        default=1, help_text="1 for a completion's first certificate, one more for each reissue."
    )
    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=150)
    profession = models.CharField(max_length=100)
    registration_number = models.CharField(max_length=50)
    course_title = models.CharField(max_length=200)
    cpd_hours = models.DecimalField(max_digits=4, decimal_places=1)
    # What the course taught and who led it when the certificate was issued, as it prints
    # them: like the title and hours, a later change to the course leaves them alone.
    outcomes = models.JSONField(default=list, blank=True)
    lead_name = models.CharField(max_length=100, blank=True)
    lead_role = models.CharField(max_length=100, blank=True)
    # Who issued it and what was assessed, frozen the same way: the site's name, the
    # completion rules in force ({"all_lessons_done": bool, "module_quizzes_passed":
    # bool}) and the module quizzes passed ([{"module", "quiz", "pass_mark"}]). Empty on
    # certificates issued before these were recorded; they then say nothing about them.
    issuer_name = models.CharField(max_length=150, blank=True)
    criteria = models.JSONField(default=dict, blank=True)
    assessed = models.JSONField(default=list, blank=True)
    # Salts the hash of the learner's name in the certificate's Open Badge
    # (completion.badges), so that the badge carries no name in clear.
    identity_salt = models.CharField(max_length=32, blank=True)
    completed_on = models.DateField(help_text="The learner's local date of completion.")
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            # Two racing requests cannot both issue a completion's first certificate, nor
            # both reissue the same one: they would write the same number.
            models.UniqueConstraint(
                fields=["completion", "number"], name="one_certificate_per_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.course_title} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("completion:certificate_verify", args=[self.code])

    @property
    def hours_label(self) -> str:
        """ "4 CPD hours", "1.5 CPD hours", "1 CPD hour"."""
        hours = f"{Decimal(str(self.cpd_hours)).normalize():f}"
        return f"{hours} CPD hour{'' if hours == '1' else 's'}"

    @property
    def status(self) -> str:
        """Revoked comes first: a revoked certificate that was later reissued is still
        revoked on its own code, and says nothing of the new one."""
        if self.revoked_at:
            return "revoked"
        if self.replaced_by_id:
            return "replaced"
        return "valid"


class Rating(models.IntegerChoices):
    STRONGLY_DISAGREE = 1, "Strongly disagree"
    DISAGREE = 2, "Disagree"
    NEITHER = 3, "Neither agree nor disagree"
    AGREE = 4, "Agree"
    STRONGLY_AGREE = 5, "Strongly agree"


# An evaluation's rating fields → the statement each rates, in the order the form asks.
EVALUATION_STATEMENTS = {
    "outcomes_met": "The course met its learning outcomes.",
    "relevant": "The course is relevant to my practice.",
    "cases_realistic": "The cases were realistic and at the right level.",
    "evidence_clear": "The course was clear about how strong the evidence is.",
    "unbiased": "The course was balanced and free of commercial bias.",
}


class Reflection(models.Model):
    """What a clinician who completed the course will change in practice, in their own
    words: CPD schemes ask for it, and it prints on their CPD record."""

    completion = models.OneToOneField(
        CourseCompletion, on_delete=models.CASCADE, related_name="reflection"
    )
    learned = models.TextField(
        "what was new to you",
        blank=True,
        max_length=3000,
        help_text="Optional: what you learned, or now see differently.",
    )
    change = models.TextField("what you will change in practice", max_length=3000)
    written_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Reflection on {self.completion}"


class Evaluation(models.Model):
    """The learner's evaluation of the course: ratings editors read in aggregate, and a
    comment."""

    STATEMENTS = EVALUATION_STATEMENTS

    completion = models.OneToOneField(
        CourseCompletion, on_delete=models.CASCADE, related_name="evaluation"
    )
    outcomes_met = models.PositiveSmallIntegerField(choices=Rating.choices)
    relevant = models.PositiveSmallIntegerField(choices=Rating.choices)
    cases_realistic = models.PositiveSmallIntegerField(choices=Rating.choices)
    evidence_clear = models.PositiveSmallIntegerField(choices=Rating.choices)
    unbiased = models.PositiveSmallIntegerField(choices=Rating.choices)
    comment = models.TextField(blank=True, max_length=3000)
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    **{f"{name}__gte": 1 for name in EVALUATION_STATEMENTS},
                    **{f"{name}__lte": 5 for name in EVALUATION_STATEMENTS},
                ),
                name="evaluation_ratings_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"Evaluation of {self.completion}"
