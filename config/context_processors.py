from django.conf import settings


def api_docs_visible_to(user) -> bool:
    """The API schema and interactive docs are public only with API_DOCS_PUBLIC (by
    default, with DEBUG); otherwise they are for staff."""
    return settings.API_DOCS_PUBLIC or user.is_staff


def site(request) -> dict:
    # The footer links to the API docs only for those who may open them.
    return {"api_docs_visible": api_docs_visible_to(request.user)}
