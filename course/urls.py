from django.urls import path

from . import views

app_name = "course"

urlpatterns = [
    path("", views.home, name="home"),
    path("courses/<slug:slug>/", views.course_detail, name="detail"),
    path("courses/<slug:slug>/enrol/", views.enrol, name="enrol"),
    path("courses/<slug:slug>/complete/", views.course_complete, name="complete"),
    path("courses/<slug:slug>/references/", views.course_references, name="references"),
    path("certificates/", views.my_certificates, name="certificates"),
    # Codes are URL-safe base64 (letters, digits, - and _): the slug alphabet.
    path("certificates/<slug:code>/", views.certificate_verify, name="certificate_verify"),
    path("certificates/<slug:code>/pdf/", views.certificate_download, name="certificate_pdf"),
    path("courses/<slug:course_slug>/<slug:lesson_slug>/", views.lesson_detail, name="lesson"),
    path(
        "courses/<slug:course_slug>/<slug:lesson_slug>/done/", views.lesson_done, name="lesson_done"
    ),
]
