"""The learner's own account pages: details, review and reminder settings, a copy of
their data, and deletion. The one place that gathers from every app."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.forms import AccountDeleteForm, ProfileForm, password_guess_allowed
from accounts.models import User
from accounts.types import AuthedHttpRequest
from lib.errors import AppError
from newsletter.models import Subscriber
from reminders.services import reminders_pause
from reviews.forms import ReviewSettingsForm

from .data import user_delete, user_export
from .services import account_update


@login_required
def details(request: AuthedHttpRequest) -> HttpResponse:
    form = ProfileForm.for_user(request.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        updated = account_update(user=request.user, details=form.details())
        messages.success(request, "Your details are saved.")
        if updated.certificates:
            messages.success(request, "Your certificate is ready, and on its way by email.")
        return redirect("me:details")
    subscribed = Subscriber.objects.filter(
        email=request.user.email.lower(), status=Subscriber.Status.ACTIVE
    ).exists()
    return render(request, "me/details.html", {"form": form, "subscribed": subscribed})


def export_response(user: User) -> HttpResponse:
    data = json.dumps(user_export(user=user), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    name = f"buttock-nerve-pain-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def export(request: AuthedHttpRequest) -> HttpResponse:
    """Everything we hold about the learner, as a JSON file."""
    return export_response(request.user)


@login_required
def delete(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    form = AccountDeleteForm(user, request.POST or None)
    if request.method == "POST":
        if not password_guess_allowed(request):
            form.add_error(None, "Too many attempts. Please wait a minute and try again.")
        elif form.is_valid():
            try:
                user_delete(user=user)
            except AppError as exc:
                messages.error(request, exc.message)
                return redirect("me:details")
            logout(request)
            messages.success(request, "Your account and everything in it have been deleted.")
            return redirect("course:home")
    return render(request, "me/delete.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def pause_reminders(request: AuthedHttpRequest) -> HttpResponse:
    until = reminders_pause(
        user=request.user, now=timezone.now(), resume=bool(request.POST.get("resume"))
    )
    if until is None:
        messages.success(request, "Reminders are back on.")
    else:
        messages.success(
            request, f"Reminders are paused until {timezone.localtime(until):%A %-d %B, %H:%M}."
        )
    return redirect("me:review_settings")


@login_required
def review_settings(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    form = ReviewSettingsForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        moved = account_update(user=user, settings=form.settings()).rescheduled
        if moved is not None:
            messages.success(
                request,
                f"Saved. {moved} card{'s' if moved != 1 else ''} "
                "rescheduled for your new retention.",
            )
        else:
            messages.success(request, "Saved.")
        return redirect("me:review_settings")
    paused = user.reminders_paused_until and user.reminders_paused_until > timezone.now()
    return render(
        request,
        "me/review_settings.html",
        {"form": form, "paused_until": paused and user.reminders_paused_until},
    )
