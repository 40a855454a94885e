from django.urls import path

from . import views

app_name = "quizzes"

urlpatterns = [
    path("quizzes/<int:pk>/", views.take, name="take"),
    path("quizzes/attempts/<int:pk>/", views.attempt_detail, name="attempt"),
    path("pain-map/", views.pain_map, name="pain_map"),
]
