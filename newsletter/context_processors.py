from typing import Any

from django.http import HttpRequest

from .models import CONSENT_TEXT


def newsletter(request: HttpRequest) -> dict[str, Any]:
    """The consent wording, for the sign-up form in every page's footer."""
    return {"consent_text": CONSENT_TEXT}
