from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("review/", views.session, name="session"),
    path("review/progress/", views.progress, name="progress"),
    path("review/<int:card_id>/", views.answer, name="answer"),
    path("review/<int:card_id>/bring-back/", views.bring_back, name="bring_back"),
]
