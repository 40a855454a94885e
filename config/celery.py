"""The Celery app. The broker is Redis when REDIS_URL is set, otherwise kombu's
filesystem transport so that the quick start needs no server (see settings)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The beat schedule lives here, in one visible place. django-celery-beat's database
# scheduler copies these entries into its tables, where an admin can change the times.
app.conf.beat_schedule = {
    "send-due-reminders": {
        # Claims today's reminder for everyone whose local hour has come, and hands out
        # again claims a dead worker left. Safe to run as often as you like. Every
        # minute, so that a crashed batch is taken over within EMAIL_LEASE_SECONDS plus
        # a minute, well inside the learner's day.
        "task": "reminders.tasks.send_due_reminders",
        "schedule": 60.0,
    },
    "newsletter-resume-deliveries": {
        # Issue deliveries a dead worker left, or the broker never took, go out again.
        "task": "newsletter.tasks.resume_deliveries",
        "schedule": 60.0,
    },
    "newsletter-expire-pending": {
        # Sign-ups not confirmed within seven days are removed.
        "task": "newsletter.tasks.expire_pending_subscribers",
        "schedule": 3600.0,
    },
    "accounts-clear-expired-sessions": {
        # Expired sign-in sessions are removed once a day.
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": 86400.0,
    },
    "reviews-fit-memory-models": {
        # Fits the memory model (FSRS parameters) to each course's learners and to each
        # learner whose reviews have grown since their last fit, and reschedules the
        # cards of fits that go in use. Nightly, at 03:00 UTC, when the fewest learners
        # in Europe and the Americas are reviewing; a missed night is caught up the next
        # (learners are chosen by their logs, not by the date).
        "task": "reviews.tasks.fit_memory_models",
        "schedule": crontab(hour=3, minute=0),
    },
    "course-publish-due-revisions": {
        # Scheduled drafts of live lessons and questions whose time has come are published.
        # The time is on the revision, so a missed minute is caught up by the next run.
        "task": "course.tasks.publish_due_revisions",
        "schedule": 60.0,
    },
    "outbox-sweep": {
        # Re-enqueue mail that was recorded but never sent (the broker was down, a worker
        # died). The database, not the queue, knows what is owed.
        "task": "outbox.tasks.sweep_unsent",
        "schedule": 60.0,
    },
}
