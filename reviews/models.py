from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from course.models import Course, Lesson, Module
from quizzes.models import Attempt, Confidence, Question


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
        CONTRAST = "contrast", "Contrast pair"

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
    question_version = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Question cards: the version of the question last answered.",
    )
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
    answer_ms = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="How long its latest measured answer took (ms; a quiz answer's counts): "
        "kept with each review, so the day's time estimate reads a column, not the logs.",
    )
    buried_until = models.DateTimeField(
        null=True, blank=True, help_text="Buried: out of the queue until then (the next day)."
    )
    contrast = models.OneToOneField(
        "ContrastPair",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="card",
        help_text="Contrast cards: the pair of near-miss cases it reviews.",
    )
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
    confidence = models.PositiveSmallIntegerField(
        choices=Confidence.choices, null=True, blank=True, help_text="How sure the learner was."
    )
    in_quiz = models.BooleanField(
        default=False,
        help_text="Made by answering the question in a quiz, not in a review session: it "
        "schedules the new card but is not one of the day's reviews.",
    )
    question = models.ForeignKey(
        Question,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The case answered (for a contrast card, the side that was asked).",
    )
    question_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The version of that question that was answered."
    )
    # The card as it was before this review, so that the last review can be undone.
    step_before = models.PositiveSmallIntegerField(null=True, blank=True)
    stability_before = models.FloatField(null=True, blank=True)
    difficulty_before = models.FloatField(null=True, blank=True)
    last_review_before = models.DateTimeField(null=True, blank=True)

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


class Confusion(models.Model):
    """One wrong answer that took one source of pain for another: the case's answer was
    `answer_source` and the learner chose `chosen_source` (keys of sources.yaml). Made
    from a quiz answer (`attempt`) or a review (`review_log`); goes with either."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="confusions"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+")
    answer_source = models.CharField(max_length=40)
    chosen_source = models.CharField(max_length=40)
    at = models.DateTimeField()
    attempt = models.ForeignKey(
        Attempt, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    review_log = models.ForeignKey(
        ReviewLog, null=True, blank=True, on_delete=models.CASCADE, related_name="confusions"
    )

    class Meta:
        indexes = [
            models.Index(fields=["user", "at"], name="confusion_user_at_idx"),
            models.Index(
                fields=["module", "answer_source", "chosen_source"], name="confusion_module_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(attempt__isnull=False, review_log__isnull=True)
                | Q(attempt__isnull=True, review_log__isnull=False),
                name="confusion_from_attempt_or_review",
            ),
            models.CheckConstraint(
                condition=~Q(answer_source=F("chosen_source")), name="confusion_two_sources"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.answer_source} taken for {self.chosen_source}"


class ContrastPair(models.Model):
    """Two near-miss twin cases a learner mixed up, reviewed as one contrast card until
    they can tell them apart: each side answered right on two separate days. Stored with
    `case_a` the lower id, so a pair is one row whichever side was missed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contrast_pairs"
    )
    case_a = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    case_b = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    missed = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The side the learner got wrong, which made the pair.",
    )
    a_right_days = models.PositiveSmallIntegerField(default=0)
    a_last_right = models.DateField(null=True, blank=True, help_text="Learner's local date.")
    b_right_days = models.PositiveSmallIntegerField(default=0)
    b_last_right = models.DateField(null=True, blank=True, help_text="Learner's local date.")
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(
        null=True, blank=True, help_text="Told apart: both sides right on two separate days."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "case_a", "case_b"], name="one_contrast_per_pair"
            ),
            models.CheckConstraint(
                condition=Q(case_a__lt=F("case_b")), name="contrast_case_a_first"
            ),
        ]

    def __str__(self) -> str:
        return f"contrast {self.case_a_id}/{self.case_b_id}"


class CardFlag(models.Model):
    """A learner's report that a card is wrong, for the editors. One open flag a card."""

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    lesson = models.ForeignKey(
        Lesson, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    note = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["card"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_flag_per_card",
            )
        ]

    def __str__(self) -> str:
        return f"flag on card {self.card_id}"


class MemoryFit(models.Model):
    """One fit of the FSRS-6 parameters to review logs: a learner's own, or a course
    cohort's (every learner's reviews of that course's cards). Kept whether or not it is
    used, with how it did on held-out reviews: fitted on the earlier reviews and tested
    on the later ones (a time-series split), against the default parameters on the same
    reviews. A fit that does not beat the defaults is never used.

    At most one fit is in use per learner and per course: a card is scheduled with its
    learner's fit in use, else its course's, else the defaults (reviews.memory)."""

    class Scope(models.TextChoices):
        LEARNER = "learner", "Learner"
        COHORT = "cohort", "Course cohort"

    scope = models.CharField(max_length=10, choices=Scope.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memory_fits",
    )
    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.CASCADE, related_name="memory_fits"
    )
    parameters = models.JSONField(help_text="The 21 FSRS-6 parameters (w0–w20).")
    fitted_at = models.DateTimeField()
    review_count = models.PositiveIntegerField(help_text="Reviews in the logs it was fitted on.")
    train_items = models.PositiveIntegerField(
        default=0, help_text="Reviews the optimiser trained on after its own outlier filter."
    )
    test_items = models.PositiveIntegerField(
        default=0, help_text="Later reviews held out to test the fit on."
    )
    log_loss = models.FloatField(null=True, blank=True, help_text="Fitted, on held-out reviews.")
    rmse = models.FloatField(null=True, blank=True, help_text="Fitted, on held-out reviews (bins).")
    default_log_loss = models.FloatField(
        null=True, blank=True, help_text="Default parameters, on the same held-out reviews."
    )
    default_rmse = models.FloatField(null=True, blank=True)
    accepted = models.BooleanField(
        default=False, help_text="It beat the default parameters on held-out reviews."
    )
    in_use = models.BooleanField(default=False, help_text="The fit cards are scheduled with now.")
    reason = models.CharField(
        max_length=200, blank=True, help_text="Why it was not used, when it was not."
    )
    seconds = models.FloatField(default=0, help_text="Time the fit and its test took.")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="learner", user__isnull=False, course__isnull=True)
                | Q(scope="cohort", user__isnull=True, course__isnull=False),
                name="memoryfit_learner_or_cohort",
            ),
            models.CheckConstraint(
                condition=Q(in_use=False) | Q(accepted=True), name="memoryfit_used_if_accepted"
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(in_use=True), name="one_fit_in_use_per_learner"
            ),
            models.UniqueConstraint(
                fields=["course"],
                condition=Q(in_use=True, scope="cohort"),
                name="one_fit_in_use_per_course",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "fitted_at"], name="memoryfit_user_idx"),
            models.Index(fields=["course", "fitted_at"], name="memoryfit_course_idx"),
        ]

    def __str__(self) -> str:
        who = self.user if self.scope == self.Scope.LEARNER else self.course
        return f"{self.get_scope_display()} fit for {who} at {self.fitted_at:%Y-%m-%d %H:%M}"

    @property
    def log_loss_gain(self) -> float | None:
        """How much lower the log loss is than the defaults' (positive: better)."""
        if self.log_loss is None or self.default_log_loss is None:
            return None
        return self.default_log_loss - self.log_loss
