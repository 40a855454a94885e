import markdown as md
import nh3
from django.conf import settings
from django.db import models
from django.utils import timezone

from course.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from outbox.batch import LeasedSend

CONSENT_TEXT = (
    "Email me the Buttock nerve pain newsletter: condition information you can trust, "
    "self-help tips, myths and must-dos, about once a month. I can unsubscribe at any "
    "time from a link in every email."
)


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending (not confirmed)"
        ACTIVE = "active", "Active"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        BOUNCED = "bounced", "Bounced"

    email = models.EmailField(unique=True)
    is_health_professional = models.BooleanField("health professional", default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    consent_text = models.TextField(help_text="The wording the subscriber agreed to.")
    consent_at = models.DateTimeField()
    source = models.CharField(max_length=20, default="form")
    created_at = models.DateTimeField(default=timezone.now)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "is_health_professional"], name="subscriber_segment_idx")
        ]

    def __str__(self) -> str:
        return self.email


class Issue(models.Model):
    """One newsletter issue, written in Markdown and sent to a segment."""

    class Segment(models.TextChoices):
        EVERYONE = "everyone", "Everyone"
        HEALTH_PROFESSIONALS = "hp", "Health professionals"
        EVERYONE_ELSE = "others", "Everyone else (not health professionals)"

    subject = models.CharField(max_length=200)
    body_md = models.TextField("body (Markdown)")
    body_html = models.TextField(editable=False, default="")
    segment = models.CharField(max_length=10, choices=Segment.choices, default=Segment.EVERYONE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    send_started_at = models.DateTimeField(
        null=True, blank=True, help_text="When an editor first asked for it to be sent."
    )
    send_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Set once a delivery row exists for everyone in the segment. Until then beat's
    # resume job starts the send itself, so a send asked for while the broker was down
    # still goes out.
    recipients_written_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        # Sending reaches every subscriber in the segment and cannot be undone: its own
        # permission, apart from writing an issue.
        permissions = [("send_issue", "Can send an issue to subscribers")]

    def __str__(self) -> str:
        return self.subject

    def save(self, *args, **kwargs):
        self.body_html = issue_html(self.body_md)
        super().save(*args, **kwargs)


class Delivery(LeasedSend):
    """One issue to one subscriber: written (claimed) before it is sent, exactly once."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "subscriber"], name="one_delivery_per_subscriber"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issue} → {self.subscriber}"


def issue_html(source: str) -> str:
    """An issue's Markdown as clean HTML for email. The email's own heading (h1) is the
    subject, so the editor's headings sit one level below it: `# Heading` is an h2,
    `##` an h3, `###` an h4; nothing is flattened to plain text. Cleaned by nh3 with the
    lessons' rules."""
    html = md.markdown(
        source,
        extensions=["tables", "sane_lists", "toc"],
        extension_configs={"toc": {"baselevel": 2}},
        output_format="html",
    )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
