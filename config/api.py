"""API v1: one router for every app's viewsets, and the token endpoint."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api import ObtainToken
from completion.api import (
    BadgeView,
    CertificateViewSet,
    CompletionView,
    CpdFeedbackView,
    VerifyView,
)
from course.api import CourseViewSet, EnrollmentViewSet, LessonViewSet, ProgressViewSet
from me.api import DeleteView, ExportView, MeView, PauseRemindersView
from newsletter.api import SubscribeMeView, SubscribeView
from quizzes.api import AttemptViewSet, QuizViewSet
from reviews import api as reviews_api
from reviews.api import BringBackView, ConfusionsView, DueView, ReviewView, StatsView

router = DefaultRouter()
router.register("courses", CourseViewSet, basename="course")
router.register(r"courses/(?P<course_slug>[-a-z0-9]+)/lessons", LessonViewSet, basename="lesson")
router.register("enrollments", EnrollmentViewSet, basename="enrollment")
router.register("progress", ProgressViewSet, basename="progress")
router.register("quizzes", QuizViewSet, basename="quiz")
router.register("attempts", AttemptViewSet, basename="attempt")
router.register("certificates", CertificateViewSet, basename="certificate")

urlpatterns = [
    path("auth/token/", ObtainToken.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("me/pause-reminders/", PauseRemindersView.as_view(), name="api-me-pause"),
    path("me/export/", ExportView.as_view(), name="api-me-export"),
    path("me/delete/", DeleteView.as_view(), name="api-me-delete"),
    path("newsletter/subscribe-me/", SubscribeMeView.as_view(), name="api-newsletter-me"),
    path("newsletter/subscribe/", SubscribeView.as_view(), name="api-newsletter-subscribe"),
    path("courses/<slug:slug>/completion/", CompletionView.as_view(), name="api-completion"),
    path("courses/<slug:slug>/cpd-feedback/", CpdFeedbackView.as_view(), name="api-cpd-feedback"),
    path("certificates/verify/<slug:code>/", VerifyView.as_view(), name="api-verify"),
    path("certificates/verify/<slug:code>/badge/", BadgeView.as_view(), name="api-badge"),
    path("reviews/due/", DueView.as_view(), name="api-reviews-due"),
    path("reviews/stats/", StatsView.as_view(), name="api-reviews-stats"),
    path("reviews/confusions/", ConfusionsView.as_view(), name="api-reviews-confusions"),
    path("reviews/<int:card_id>/", ReviewView.as_view(), name="api-review"),
    path("reviews/<int:card_id>/bring-back/", BringBackView.as_view(), name="api-bring-back"),
    path("reviews/", include(reviews_api.card_tool_urls)),  # undo, suspend, bury, flag
    path("", include(router.urls)),
]
