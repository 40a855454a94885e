"""/style/: every component of the site on one page, for editors and developers (staff)."""

from pathlib import Path

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static

from lib.contrast import checks, tokens

SWATCHES = (
    ("bg", "Page"),
    ("surface", "Cards and panels"),
    ("panel", "Quiet panels, footer"),
    ("line", "Rules"),
    ("line-strong", "Control edges"),
    ("ink", "Text"),
    ("muted", "Secondary text"),
    ("brand", "Brand, links, buttons"),
    ("brand-strong", "Hover"),
    ("brand-soft", "Brand tint"),
    ("warn", "Red flags, errors"),
    ("warn-soft", "Red-flag tint"),
    ("ok", "Done, right"),
    ("ok-soft", "Done tint"),
    ("disagree", "Where experts disagree"),
    ("disagree-soft", "Disagreement tint"),
    ("note", "Notes"),
    ("note-soft", "Note tint"),
    ("focus", "Focus ring"),
    ("skin", "Illustration: skin"),
    ("nerve", "Illustration: nerves"),
)


def _stylesheet() -> str:
    found = finders.find("css/site.css")
    path = Path(found if isinstance(found, str) else settings.BASE_DIR / "static/css/site.css")
    return path.read_text()


@staff_member_required
def style_guide(request: HttpRequest) -> HttpResponse:
    css = _stylesheet()
    values = tokens(css)
    both = checks(css)
    return render(
        request,
        "style.html",
        {
            "swatches": [
                {
                    "name": name,
                    "use": use,
                    "light": values["light"][name],
                    "dark": values["dark"][name],
                }
                for name, use in SWATCHES
            ],
            "contrast": list(zip(both["light"], both["dark"], strict=True)),
        },
    )


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and feed readers ask for /favicon.ico whatever the page links: send them to
    the mark."""
    return redirect(static("img/favicon.svg"), permanent=True)
