"""Admin pages of the course app that are not a model's: the lesson body's preview."""

import re

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from .markdown import render_markdown
from .models import Lesson

# A lesson body is a few thousand words; this bounds the work one request can ask for.
PREVIEW_MAX_CHARS = 200_000


@require_POST
def lesson_markdown_preview(request: HttpRequest) -> HttpResponse:
    """The posted body_md as the lesson page would show it: rendered and cleaned by
    render_markdown, with the lesson's diagrams (`lesson` in the query or the form) and
    heading ids. `fragment=1` (the editor's script) gets the HTML alone; otherwise (the
    preview button without JavaScript) a page. Wrapped by admin_view in config/urls: staff
    only; and only for those who may write lessons."""
    if not (
        request.user.has_perm("course.change_lesson") or request.user.has_perm("course.add_lesson")
    ):
        raise PermissionDenied
    source = request.POST.get("body_md", "")[:PREVIEW_MAX_CHARS]
    lesson_pk = request.GET.get("lesson") or request.POST.get("lesson") or ""
    lesson = (
        Lesson.objects.filter(pk=lesson_pk).only("figures", "title").first()
        if re.fullmatch(r"[0-9]{1,9}", lesson_pk)  # an id, not a 500 from a huge number
        else None
    )
    # Clean HTML: nh3 has removed anything the author wrote that is not in the allowed
    # set, and a figure's SVG was checked when it was loaded.
    html = mark_safe(  # noqa: S308
        render_markdown(source, figures=lesson.figures if lesson else [], heading_ids=True)
    )
    if request.POST.get("fragment") == "1":
        return HttpResponse(html, content_type="text/html; charset=utf-8")
    return TemplateResponse(
        request,
        "admin/course/lesson/markdown_preview.html",
        {
            **admin.site.each_context(request),
            "title": f"Preview: {lesson.title}" if lesson else "Preview",
            "html": html,
        },
    )
