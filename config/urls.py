from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

admin.site.site_header = "Buttock nerve pain: editors"
admin.site.site_title = "Editors"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include("config.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("", include("quizzes.urls")),
    path("", include("reviews.urls")),
    path("", include("reminders.urls")),
    path("", include("newsletter.urls")),
    path("", include("course.urls")),
]
