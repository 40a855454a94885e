from django.urls import path

from . import views

app_name = "me"

urlpatterns = [
    path("accounts/details/", views.details, name="details"),
    path("accounts/details/export/", views.export, name="export"),
    path("accounts/delete/", views.delete, name="delete"),
    path("review/settings/", views.review_settings, name="review_settings"),
    path("review/settings/pause/", views.pause_reminders, name="pause_reminders"),
]
