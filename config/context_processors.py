from typing import Any

from django.http import HttpRequest

from accounts.types import AnyUser


def api_docs_visible_to(user: AnyUser) -> bool:
    """The API documentation is for those who build on the API: signed-in health
    professionals and staff. A patient has no use for it, and a footer link to it only
    puzzles them."""
    if not user.is_authenticated:
        return False
    return user.is_staff or user.is_clinician


def site(request: HttpRequest) -> dict[str, Any]:
    # The footer links to the API docs only for those who may open them.
    return {"api_docs_visible": api_docs_visible_to(request.user)}
