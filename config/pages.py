"""The pages that say who stands behind the site: about, contact, privacy and terms.

Plain server-rendered pages with no data of their own beyond a few settings: where to
write to us, when the pages last changed, and the rules they describe.
"""

from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from course.engagement import share_in_words

# When the wording of these pages last changed: shown on each, in one place, so that the
# date cannot disagree between them. Change it with the pages.
LAST_UPDATED = date(2026, 11, 27)


def _page(template: str) -> Callable[[HttpRequest], HttpResponse]:
    def view(request: HttpRequest) -> HttpResponse:
        return render(
            request,
            f"pages/{template}.html",
            {
                "contact_email": settings.CONTACT_EMAIL,
                "last_updated": LAST_UPDATED,
                "api_token_days": settings.API_TOKEN_TTL_DAYS,
                "reading_share": share_in_words(),
            },
        )

    view.__name__ = template
    view.__doc__ = f"The {template} page."
    return view


about = _page("about")
contact = _page("contact")
privacy = _page("privacy")
terms = _page("terms")

app_name = "pages"

urlpatterns = [
    path("about/", about, name="about"),
    path("contact/", contact, name="contact"),
    path("privacy/", privacy, name="privacy"),
    path("terms/", terms, name="terms"),
]
