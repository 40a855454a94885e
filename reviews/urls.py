from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("review/", views.session, name="session"),
    path("review/progress/", views.progress, name="progress"),
    path("review/<int:card_id>/", views.answer, name="answer"),
    path("review/<int:card_id>/bring-back/", views.bring_back, name="bring_back"),
    path("review/undo/", views.undo, name="undo"),
    path("review/<int:card_id>/suspend/", views.card_suspend, name="card_suspend"),
    path("review/<int:card_id>/bury/", views.card_bury, name="card_bury"),
    path("review/<int:card_id>/flag/", views.card_flag, name="card_flag"),
]
