from django.db import models
from django.db.models import Q


class OutboundEmail(models.Model):
    """One transactional email (address confirmation, password reset, ...).

    The row is written in the same transaction as whatever caused the email, and the
    send is enqueued only after commit. If the broker is down or a worker dies, the
    periodic sweep finds the row unsent and enqueues it again.
    """

    to = models.EmailField()
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    attachment_name = models.CharField(max_length=100, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(auto_now_add=True)
    # A worker claims the row until lease_until; an expired lease means its worker died.
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The sweep's question: what is owed and not yet sent or given up on?
            models.Index(
                fields=["created_at"],
                name="outbox_unsent_idx",
                condition=Q(sent_at__isnull=True, failed_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"

    @property
    def status(self) -> str:
        if self.sent_at:
            return "sent"
        if self.failed_at:
            return "failed"
        return "pending"
