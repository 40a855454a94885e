from datetime import datetime
from typing import Self

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .markdown import learning_outcomes, render_markdown


def live_q(prefix: str = "", now: datetime | None = None) -> Q:
    """Published and past its publish time: what learners may see. The one definition
    for queries, of the item itself or, with `prefix` ("module__", "course__",
    "lesson__"), of a related one; `Publishable.is_live` says the same of one item."""
    return Q(
        **{
            f"{prefix}status": Publishable.Status.PUBLISHED,
            f"{prefix}publish_at__lte": now or timezone.now(),
        }
    )


class PublishableQuerySet(models.QuerySet):
    def live(self, now: datetime | None = None) -> Self:
        """Published and past its publish time: what learners may see."""
        return self.filter(live_q(now=now))


class Publishable(models.Model):
    """Draft or published; a published item with a future publish time is scheduled and
    appears by itself when the time comes (no job has to run)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published (or scheduled)"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        default=timezone.now,
        help_text="When a published item becomes visible. A future time schedules it.",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishableQuerySet.as_manager()

    # Markdown source field → its HTML field, rendered and sanitised once, on save.
    markdown_fields: dict[str, str] = {}

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        for source, html in self.markdown_fields.items():
            setattr(self, html, self.render_markdown_field(source))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *self.markdown_fields.values()}
        super().save(*args, **kwargs)

    def render_markdown_field(self, source: str) -> str:
        return render_markdown(getattr(self, source))

    def is_live(self, now: datetime | None = None) -> bool:
        """The instance form of `live_q`: published, and its publish time has come."""
        return self.status == self.Status.PUBLISHED and self.publish_at <= (now or timezone.now())

    @property
    def state_label(self) -> str:
        if self.status == self.Status.DRAFT:
            return "Draft"
        if self.publish_at > timezone.now():
            return "Scheduled"
        return "Published"


class Course(Publishable):
    class Audience(models.TextChoices):
        PATIENT = "patient", "Patients and the public"
        CLINICIAN = "clinician", "Health professionals (CPD)"

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    summary = models.CharField(max_length=300)
    description_md = models.TextField("description (Markdown)")
    description_html = models.TextField(editable=False, default="")
    markdown_fields = {"description_md": "description_html"}
    cpd_hours = models.DecimalField(max_digits=4, decimal_places=1, default=0)
    # The numbered list under "Learning outcomes" in the description, kept in step with
    # it on save: the description stays the one place an editor writes them.
    outcomes = models.JSONField(default=list, blank=True, editable=False)
    lead_name = models.CharField(
        "course lead", max_length=100, blank=True, help_text="Signs the certificate."
    )
    lead_role = models.CharField("course lead's role", max_length=100, blank=True)
    # Completion rules, set by an editor.
    require_all_lessons = models.BooleanField(
        default=True, help_text="Completion needs every lesson marked done."
    )
    require_quizzes_passed = models.BooleanField(
        default=True, help_text="Completion needs every module quiz passed at its pass mark."
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.outcomes = learning_outcomes(self.description_md)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "outcomes"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("course:detail", args=[self.slug])


class Module(Publishable):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    slug = models.SlugField()
    title = models.CharField(max_length=200)
    intro_md = models.TextField("introduction (Markdown)", blank=True)
    intro_html = models.TextField(editable=False, default="")
    markdown_fields = {"intro_md": "intro_html"}
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["course", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="module_slug_unique_in_course")
        ]

    def __str__(self) -> str:
        return self.title


class Lesson(Publishable):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    slug = models.SlugField()
    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="What the lesson covers; shown before enrolment.")
    objectives = models.JSONField(
        default=list, blank=True, help_text="A list of 'after this lesson you can…' lines."
    )
    key_points = models.JSONField(
        default=list, blank=True, help_text="Review cards: a list of {front, back}."
    )
    sources = models.JSONField(
        default=list, blank=True, help_text="Keys of the references the lesson rests on."
    )
    authors = models.CharField(max_length=200, blank=True, help_text="Who wrote the lesson.")
    reviewed_on = models.DateField(
        null=True, blank=True, help_text="When the lesson was last checked for clinical accuracy."
    )
    # The diagrams the body places with "[figure: name]": [{name, caption, description, svg}],
    # the SVG already checked against the content format's subset when it was loaded.
    figures = models.JSONField(default=list, blank=True, editable=False)
    body_md = models.TextField("body (Markdown)")
    body_html = models.TextField(editable=False, default="")
    markdown_fields = {"body_md": "body_html"}
    is_free = models.BooleanField(
        "free preview", default=False, help_text="Anyone may read a free lesson, signed in or not."
    )
    minutes = models.PositiveSmallIntegerField("reading time (minutes)", default=10)
    order = models.PositiveIntegerField(default=0, help_text="Position within the module.")
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="The number of the published revision learners see."
    )

    class Meta:
        # Module order first, then lesson order: the reading order of the course.
        ordering = ["course", "module__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="lesson_slug_unique_in_course")
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # The course is the module's; it is stored too for slugs unique per course.
        self.course_id = self.module.course_id
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "course"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("course:lesson", args=[self.course.slug, self.slug])

    def render_markdown_field(self, source: str) -> str:
        return render_markdown(getattr(self, source), figures=self.figures, heading_ids=True)


class Reference(models.Model):
    """A work the lessons cite, loaded from course/content/references.yaml."""

    class Kind(models.TextChoices):
        PRIMARY = "primary", "Primary study"
        REVIEW = "review", "Review"
        TEXTBOOK = "textbook", "Textbook"
        GUIDELINE = "guideline", "Guideline or criteria"
        SECONDARY = "secondary", "Source document (secondary)"

    key = models.SlugField(max_length=60, unique=True)
    citation = models.TextField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    note = models.TextField(blank=True, help_text="What the work shows, and how strong it is.")

    class Meta:
        ordering = ["citation"]

    def __str__(self) -> str:
        return self.citation


class Enrollment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="one_enrollment_per_course")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course}"


class LessonProgress(models.Model):
    """A lesson a learner has opened, how long they have read it, and when it was done."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    last_viewed_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Time spent reading, measured on the server (see course.engagement): the sum of the
    # closed visits, each capped at the lesson's reading time.
    engaged_seconds = models.PositiveIntegerField(default=0)
    # When the open visit began: the last time the lesson was served to the learner, until
    # their next view of any lesson or "mark done" ends it. Null when no visit is open.
    visit_started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "lesson progress"
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="one_progress_per_lesson")
        ]
        indexes = [
            # "Continue where you left off": the latest lesson a learner opened.
            models.Index(fields=["user", "-last_viewed_at"], name="progress_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.lesson}"

    @property
    def is_done(self) -> bool:
        return self.completed_at is not None


class PublicationEvent(models.Model):
    """Who published, scheduled or withdrew what, and when."""

    class Action(models.TextChoices):
        PUBLISHED = "published", "Published"
        SCHEDULED = "scheduled", "Scheduled"
        UNPUBLISHED = "unpublished", "Returned to draft"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    title = models.CharField(max_length=200)
    action = models.CharField(max_length=12, choices=Action.choices)
    publish_at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="pubevent_item_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.title}"


class Revision(models.Model):
    """One version of a lesson or a quiz question.

    A draft is where an editor changes an item that learners may already see: its `data`
    holds the item's editable fields (a question's options included) as the editor left
    them, while learners go on reading the item's own row. Publishing a draft writes its
    data onto the row in one transaction and numbers it (the item's `version`); a
    scheduled draft is published so by the beat job when `publish_at` comes. The
    published revisions, in order, are the item's history; restoring one starts a new
    draft from its data. An item has at most one open (draft or scheduled) revision: the
    database holds that, so two editors' first saves make one draft, not two."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        DISCARDED = "discarded", "Discarded"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    number = models.PositiveIntegerField(
        null=True, blank=True, help_text="The version number, given when it is published."
    )
    based_on = models.PositiveIntegerField(
        null=True, blank=True, help_text="The version the draft was started from."
    )
    data = models.JSONField(default=dict)
    note = models.CharField(
        "what changed", max_length=200, blank=True, help_text="Shown in the item's history."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    publish_at = models.DateTimeField(
        null=True, blank=True, help_text="A scheduled draft: when it is published."
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(status__in=["draft", "scheduled"]),
                name="one_open_revision_per_item",
            ),
            models.UniqueConstraint(
                fields=["content_type", "object_id", "number"],
                condition=Q(number__isnull=False),
                name="revision_number_unique_per_item",
            ),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id", "status"], name="revision_item_idx"),
            # The beat job's "scheduled drafts whose time has come".
            models.Index(
                fields=["publish_at"],
                condition=Q(status="scheduled"),
                name="revision_scheduled_idx",
            ),
        ]

    def __str__(self) -> str:
        if self.number is not None:
            return f"version {self.number}"
        return self.get_status_display().lower()
