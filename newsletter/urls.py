from django.urls import path

from . import views

app_name = "newsletter"

urlpatterns = [
    path("newsletter/", views.signup, name="signup"),
    path("newsletter/check-your-inbox/", views.check_inbox, name="check_inbox"),
    path("newsletter/confirm/<str:token>/", views.confirm, name="confirm"),
    path("newsletter/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("newsletter/preferences/<str:token>/", views.preferences, name="preferences"),
    path("newsletter/subscribe-me/", views.subscribe_me, name="subscribe_me"),
]
