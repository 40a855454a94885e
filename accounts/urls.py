from django.urls import path

from . import views

# Before allauth's own URLs (config.urls), under the same name: its sign-up page, with
# the form for one role.
urlpatterns = [
    path("signup/", views.signup, name="account_signup"),
]
