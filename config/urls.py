from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from course.admin_views import lesson_markdown_preview

from . import dashboard, pages
from .context_processors import api_docs_visible_to
from .style import favicon, style_guide

admin.site.site_header = "Buttock nerve pain: editors"
admin.site.site_title = "Editors"


def docs_for_staff(view):
    """The schema and the interactive docs are for signed-in clinicians and staff (the
    same rule as the footer's link to them), or for anyone with API_DOCS_PUBLIC (by
    default, whenever DEBUG is). Signed-out visitors are sent to the site's sign-in (the
    admin's would turn clinicians away), signed-in patients get 403. Checked per
    request, so that the setting can change."""

    @wraps(view)
    def gated(request, *args, **kwargs):
        if not (settings.API_DOCS_PUBLIC or api_docs_visible_to(request.user)):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied("The API documentation is for health professionals and staff.")
        return view(request, *args, **kwargs)

    return gated


urlpatterns = [
    # The admin's index with the editors' dashboard above the app list (admin:index
    # reverses to the same address, and this pattern comes first).
    path("admin/", dashboard.index, name="dashboard"),
    path("admin/dashboard/<slug:section>.csv", dashboard.section_csv, name="dashboard-csv"),
    # Before the admin's own: its catch-all would take the address for a lesson's.
    path(
        "admin/course/lesson/markdown-preview/",
        admin.site.admin_view(lesson_markdown_preview),
        name="admin_lesson_markdown_preview",
    ),
    path("admin/", admin.site.urls),
    path("style/", style_guide, name="style"),
    path("favicon.ico", favicon),
    path("", include((pages.urlpatterns, pages.app_name))),
    path("", include("me.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include("config.api")),
    path("api/schema/", docs_for_staff(SpectacularAPIView.as_view()), name="schema"),
    # The split view serves its start-up script from its own address (?script), so the
    # page needs no inline script under the Content-Security-Policy.
    path(
        "api/docs/",
        docs_for_staff(
            SpectacularSwaggerSplitView.as_view(
                url_name="schema", template_name="api/swagger_ui.html"
            )
        ),
        name="api-docs",
    ),
    path("", include("quizzes.urls")),
    path("", include("reviews.urls")),
    path("", include("reminders.urls")),
    path("", include("newsletter.urls")),
    path("", include("completion.urls")),
    path("", include("course.urls")),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.forbidden"
handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
