from django.urls import path

from . import views

app_name = "quizzes"

urlpatterns = [
    path("quizzes/<int:pk>/", views.take, name="take"),
    path("quizzes/attempts/<int:pk>/", views.attempt_detail, name="attempt"),
    path("quizzes/questions/<int:pk>/preview/", views.question_preview, name="question_preview"),
    path("pain-map/", views.pain_map, name="pain_map"),
]
