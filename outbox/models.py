from django.db import models
from django.db.models import Q

from .batch import LeasedSend


class OutboundEmail(LeasedSend):
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
