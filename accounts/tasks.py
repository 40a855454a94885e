"""Housekeeping for accounts."""

from importlib import import_module

from celery import shared_task
from django.conf import settings


@shared_task
def clear_expired_sessions() -> None:
    """Remove the sign-in sessions that have expired (Django keeps their rows until
    asked): what the privacy page promises of the session cookie holds on the server
    too."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
