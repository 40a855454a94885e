from typing import Any

from django.conf import settings
from django.http import HttpRequest

from accounts.types import AnyUser


def api_docs_visible_to(user: AnyUser) -> bool:
    """The API schema and interactive docs are public only with API_DOCS_PUBLIC (by
    default, with DEBUG); otherwise they are for staff."""
    return settings.API_DOCS_PUBLIC or user.is_staff


def site(request: HttpRequest) -> dict[str, Any]:
    # The footer links to the API docs only for those who may open them.
    return {"api_docs_visible": api_docs_visible_to(request.user)}
