from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("details/", views.profile, name="profile"),
    path("details/export/", views.export, name="export"),
    path("delete/", views.delete, name="delete"),
]
