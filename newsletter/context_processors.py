from functools import partial
from typing import Any

from django.http import HttpRequest

from .models import CONSENT_TEXT
from .selectors import one_click_for


def newsletter(request: HttpRequest) -> dict[str, Any]:
    """The consent wording, for the sign-up form in every page's footer; and for a
    signed-in learner, where their subscription stands. That is a callable, so the
    query runs only on pages that show the footer form (the template calls it)."""
    context: dict[str, Any] = {"consent_text": CONSENT_TEXT}
    if request.user.is_authenticated:
        context["newsletter_one_click"] = partial(one_click_for, request.user)
    return context
