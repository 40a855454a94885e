from django.urls import path

from . import views

app_name = "completion"

urlpatterns = [
    path("courses/<slug:slug>/complete/", views.course_complete, name="complete"),
    path("courses/<slug:slug>/complete/reflect/", views.reflect, name="reflect"),
    path("courses/<slug:slug>/cpd-record/", views.cpd_record, name="cpd_record"),
    path("courses/<slug:slug>/cpd-record/pdf/", views.cpd_record_pdf, name="cpd_record_pdf"),
    path("certificates/", views.my_certificates, name="certificates"),
    # Codes are URL-safe base64 (letters, digits, - and _): the slug alphabet.
    path("certificates/<slug:code>/", views.certificate_verify, name="certificate_verify"),
    path("certificates/<slug:code>/pdf/", views.certificate_download, name="certificate_pdf"),
]
