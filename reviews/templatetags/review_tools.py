"""The session page's "Undo last answer", drawn by a tag so the page's view need not know
of it: one query, for the review an undo would take back."""

from typing import Any

from django import template
from django.utils import timezone

from reviews.actions import last_undoable
from reviews.models import Rating

register = template.Library()


@register.inclusion_tag("reviews/_undo.html", takes_context=True)
def undo_last_answer(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    log = None
    if user is not None and user.is_authenticated:
        log = last_undoable(user, timezone.now())
    return {
        "log": log if log is not None and log.reps is not None else None,
        "rating": Rating(log.rating).label if log is not None else "",
        "csrf_token": context.get("csrf_token"),
    }
