from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from course.models import Course, Lesson, Module
from quizzes.models import Question


class State(models.IntegerChoices):
    """The fsrs package's card states."""

    LEARNING = 1, "Learning"
    REVIEW = 2, "Review"
    RELEARNING = 3, "Relearning"


class Rating(models.IntegerChoices):
    AGAIN = 1, "Again"
    HARD = 2, "Hard"
    GOOD = 3, "Good"
    EASY = 4, "Easy"


class Card(models.Model):
    """One thing one learner is remembering: a quiz question they answered, or a key
    point of a lesson they finished. The fsrs scheduling state lives in columns so that
    "what is due" is one indexed query."""

    class Kind(models.TextChoices):
        QUESTION = "question", "Quiz question"
        KEY_POINT = "key_point", "Key point"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cards"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.CASCADE, related_name="cards"
    )
    # Where it comes from, for visibility (a withdrawn lesson's cards stop), the link back
    # to the lesson, and retention by module.
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(
        Lesson, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    key_index = models.PositiveSmallIntegerField(null=True, blank=True)
    front = models.TextField(blank=True, help_text="Key points: the question side.")
    back = models.TextField(blank=True, help_text="Key points: the answer side.")

    # fsrs state
    state = models.PositiveSmallIntegerField(choices=State.choices, default=State.LEARNING)
    step = models.PositiveSmallIntegerField(null=True, blank=True, default=0)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField(default=timezone.now)
    last_review = models.DateTimeField(null=True, blank=True)

    is_new = models.BooleanField(default=True, help_text="Never reviewed yet.")
    reps = models.PositiveIntegerField(
        default=0, help_text="Reviews so far; the version a review must match (compare-and-set)."
    )
    failures = models.PositiveIntegerField(default=0, help_text="Times rated Again.")
    is_leech = models.BooleanField(default=False)
    suspended = models.BooleanField(default=False, help_text="Out of the daily queue.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "question"],
                condition=Q(kind="question"),
                name="one_card_per_question",
            ),
            models.UniqueConstraint(
                fields=["user", "lesson", "key_index"],
                condition=Q(kind="key_point"),
                name="one_card_per_key_point",
            ),
        ]
        indexes = [
            # The due queue: this learner's cards in the queue, new or not, by due time.
            # Module and lesson ride along so the visibility check needs no table reads.
            models.Index(
                fields=["user", "suspended", "is_new", "due", "module", "lesson"],
                name="card_queue_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.front or (
            self.question.prompt if self.question is not None else f"card {self.pk}"
        )


class ReviewLog(models.Model):
    """Every review, kept so the schedule can be rebuilt or the parameters re-optimised."""

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="logs")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_logs"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    reviewed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    was_new = models.BooleanField(default=False)
    state_before = models.PositiveSmallIntegerField(choices=State.choices)
    state_after = models.PositiveSmallIntegerField(choices=State.choices)
    due_before = models.DateTimeField()
    due_after = models.DateTimeField()
    stability_after = models.FloatField(null=True)
    difficulty_after = models.FloatField(null=True)
    reps = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The card's review count this review was made at (0 for its first): with "
        "the card, the key a repeat of this review is known by. Empty for reviews recorded "
        "before reviews carried one.",
    )
    made_leech = models.BooleanField(
        default=False, help_text="This review was the card's eighth forgetting: it left the queue."
    )

    class Meta:
        indexes = [models.Index(fields=["user", "reviewed_at"], name="reviewlog_user_time_idx")]
        constraints = [
            # One review per card and review count: two identical answers sent at once
            # (a double click, a retry) cannot both be recorded, whatever the code above
            # the database does.
            models.UniqueConstraint(fields=["card", "reps"], name="one_review_per_card_reps")
        ]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} at {self.reviewed_at:%Y-%m-%d %H:%M}"
