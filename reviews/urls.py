from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("review/", views.session, name="session"),
    path("review/settings/", views.settings_view, name="settings"),
    path("review/settings/pause/", views.pause_reminders, name="pause_reminders"),
    path("review/progress/", views.progress, name="progress"),
    path("review/<int:card_id>/", views.answer, name="answer"),
    path("review/<int:card_id>/bring-back/", views.bring_back, name="bring_back"),
]
