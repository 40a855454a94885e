import smtplib

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(bind=True, max_retries=services.TASK_RETRIES, acks_late=True)
def send_email(self, email_id: int) -> bool:
    email = services.email_claim(email_id=email_id, now=timezone.now())
    if email is None:
        return False
    try:
        services.email_deliver(email=email, now=timezone.now())
    except services.PermanentFailure:
        return False
    except (smtplib.SMTPException, OSError) as exc:
        # Back off: 30 s, 1 min, 2 min, ... up to 16 min; after that the sweep tries
        # every few minutes until the email is a day old.
        raise self.retry(exc=exc, countdown=30 * 2 ** min(email.attempts, 5)) from exc
    return True


@shared_task
def sweep_unsent() -> int:
    owed = services.emails_owed(now=timezone.now())
    for email_id in owed:
        send_email.delay(email_id)
    return len(owed)
