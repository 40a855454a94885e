import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from course.models import Course, Lesson, Module

from .painmap import REGION_CHOICES


class Quiz(models.Model):
    """A module's quiz (clinicians) or a lesson's self-check (patients). It is visible
    when its module or lesson is, to the same people."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="quizzes")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="quizzes")
    lesson = models.ForeignKey(
        Lesson,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quizzes",
        help_text="Set for a lesson's self-check; empty for the module's quiz.",
    )
    slug = models.SlugField()
    title = models.CharField(max_length=200)
    pass_mark = models.PositiveSmallIntegerField(
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Percent needed to pass.",
    )
    order = models.PositiveIntegerField(default=0)
    draw = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Module quiz: questions per sitting. Empty: one from each twin group.",
    )
    retake_after_hours = models.PositiveSmallIntegerField(
        default=24,
        help_text="Module quiz: hours after a failed sitting before the next may start. 0: none.",
    )

    class Meta:
        verbose_name_plural = "quizzes"
        ordering = ["course", "module__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="quiz_slug_unique_in_course")
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.course_id = self.module.course_id
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("quizzes:take", args=[self.pk])

    @property
    def is_module_quiz(self) -> bool:
        return self.lesson_id is None


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", "Single best answer"
        MULTIPLE = "multiple", "Multiple answers (partial credit)"
        PAIN_MAP = "pain_map", "Pain map (click a region)"

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    slug = models.SlugField(max_length=80)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    vignette = models.TextField("case vignette", blank=True)
    prompt = models.CharField(max_length=300)
    lesson = models.ForeignKey(
        Lesson,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The lesson that teaches this point: linked when the question is missed.",
    )
    order = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="The number of the published revision learners are asked (course.Revision).",
    )
    # Near-miss twins: cases that differ by one finding. A sitting of a module quiz takes
    # at most one question of each twin group (the connected twins), so that a retake
    # can serve the other twin. Symmetrical: "the twins of q" is `q.twins.all()`.
    twins = models.ManyToManyField("self", symmetrical=True, blank=True)

    class Meta:
        ordering = ["quiz", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "slug"], name="question_slug_unique_in_quiz")
        ]

    def __str__(self) -> str:
        return self.prompt if not self.vignette else f"{self.vignette[:60]}… {self.prompt}"

    @property
    def expects_many(self) -> bool:
        """Whether the learner may pick more than one option (check boxes, partial
        credit): a multiple-answer question, or a pain map with more than one right
        region among the options offered. Reads `choices.all()`, so prefetch
        `offered_choices()` when asking it of many questions."""
        if self.kind == self.Kind.MULTIPLE:
            return True
        if self.kind == self.Kind.PAIN_MAP:
            return sum(c.is_correct and not c.retired for c in self.choices.all()) > 1
        return False


class Confidence(models.IntegerChoices):
    """How sure the learner was of an answer (certainty-based marking, as in Moodle)."""

    GUESSING = 1, "Guessing"
    FAIRLY_SURE = 2, "Fairly sure"
    SURE = 3, "Sure"


class Choice(models.Model):
    """An option. A pain-map option is a region of the diagram; every option explains
    itself after the answer: why it is right, or what argues against it."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(max_length=300, blank=True)
    region = models.CharField(max_length=20, choices=REGION_CHOICES, blank=True)
    is_correct = models.BooleanField(default=False)
    explanation = models.TextField()
    order = models.PositiveIntegerField(default=0)
    retired = models.BooleanField(
        default=False,
        help_text="No longer offered or scored; kept for the learners who chose it.",
    )
    source = models.CharField(
        max_length=40,
        blank=True,
        help_text="The source of pain this option stands for (a key of sources.yaml); "
        "empty when it names none (a statement, a test, a step).",
    )

    class Meta:
        ordering = ["question", "order", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.text or self.get_region_display()


def offered_choices() -> models.Prefetch:
    """A question's options as learners are offered them now: without retired ones."""
    return models.Prefetch("choices", queryset=Choice.objects.filter(retired=False))


class Attempt(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    # Sent with the form (or by an API client) so that a double click or a retry is
    # recognised as the same submission, not a second attempt.
    submission_key = models.UUIDField(default=uuid.uuid4)
    submitted_at = models.DateTimeField(default=timezone.now)
    score = models.DecimalField(max_digits=5, decimal_places=2, help_text="Percent.")
    passed = models.BooleanField()

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "submission_key"], name="one_attempt_per_submission"
            )
        ]
        indexes = [
            models.Index(fields=["user", "quiz", "-submitted_at"], name="attempt_user_quiz_idx")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.quiz} · {self.score}%"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:attempt", args=[self.pk])


class Sitting(models.Model):
    """One sitting of a module quiz: the questions drawn for a learner from the quiz's
    pool, in the order shown. Open until submitted (`attempt` set); a learner has at most
    one open sitting per quiz, so reopening the page shows the same questions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_sittings"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="sittings")
    question_ids = models.JSONField(help_text="The questions drawn, in the order shown.")
    started_at = models.DateTimeField(default=timezone.now)
    attempt = models.OneToOneField(
        Attempt, null=True, blank=True, on_delete=models.CASCADE, related_name="sitting"
    )

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=models.Q(attempt__isnull=True),
                name="one_open_sitting_per_quiz",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.quiz} · {self.started_at:%Y-%m-%d %H:%M}"


class Answer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choices = models.ManyToManyField(Choice, related_name="answers")
    score = models.DecimalField(max_digits=5, decimal_places=4, help_text="0 to 1.")
    confidence = models.PositiveSmallIntegerField(
        choices=Confidence.choices,
        null=True,
        blank=True,
        help_text="How sure the learner said they were; empty when not given.",
    )
    question_version = models.PositiveIntegerField(
        default=1, help_text="The version of the question that was answered."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.question} → {self.score}"
