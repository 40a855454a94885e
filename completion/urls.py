from django.urls import path

from . import views

app_name = "completion"

urlpatterns = [
    path("courses/<slug:slug>/complete/", views.course_complete, name="complete"),
    path("courses/<slug:slug>/complete/reflect/", views.reflect, name="reflect"),
    path("courses/<slug:slug>/cpd-record/", views.cpd_record, name="cpd_record"),
    path("courses/<slug:slug>/cpd-record/pdf/", views.cpd_record_pdf, name="cpd_record_pdf"),
    path("certificates/", views.my_certificates, name="certificates"),
    # Before the code's pattern: no code is "check" (codes are 20 characters).
    path("certificates/check/", views.certificate_check, name="certificate_check"),
    # New codes are capitals, digits and dashes; older ones URL-safe base64 (letters,
    # digits, - and _): both the slug alphabet.
    path("certificates/<slug:code>/", views.certificate_verify, name="certificate_verify"),
    path("certificates/<slug:code>/pdf/", views.certificate_download, name="certificate_pdf"),
    path(
        "certificates/<slug:code>/badge.json",
        views.certificate_badge_json,
        name="certificate_badge",
    ),
    path(
        "certificates/<slug:code>/status.json",
        views.certificate_status_json,
        name="certificate_status",
    ),
]
