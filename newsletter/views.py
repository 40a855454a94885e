from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.types import AuthedHttpRequest
from lib.limits import client_ip

from . import services
from .forms import PreferencesForm, SignupForm
from .models import Subscriber

SOURCES = ("footer", "page")  # where a sign-up form stands, as recorded with the consent


def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not form.cleaned_data["website"]:
            source = request.POST.get("source")
            services.subscribe(
                email=form.cleaned_data["email"],
                health_professional=form.cleaned_data["health_professional"],
                source=source if source in SOURCES else "page",
                ip=client_ip(request),
            )
        return redirect("newsletter:check_inbox")
    return render(
        request, "newsletter/signup.html", {"form": form}, status=400 if form.errors else 200
    )


def check_inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "newsletter/check_inbox.html")


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (mail scanners open links); the button confirms."""
    try:
        if request.method == "POST":
            services.confirm(token=token)
            return render(request, "newsletter/confirmed.html")
        services.confirm_check(token=token)  # a tampered or expired link: say so now
    except services.BadLink as exc:
        return render(request, "newsletter/bad_link.html", {"reason": exc.reason}, status=400)
    return render(request, "newsletter/confirm.html")


# One-click unsubscribe (RFC 8058) posts from the mail client with no session or CSRF
# token; the signed token in the address is the authority.
@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "POST":
            services.unsubscribe(token=token)
            return render(request, "newsletter/unsubscribed.html")
        subscriber = services.preferences(token=token)
    except services.BadLink as exc:
        return render(request, "newsletter/bad_link.html", {"reason": exc.reason}, status=400)
    return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber})


def preferences(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber = services.preferences(token=token)
    except services.BadLink as exc:
        return render(request, "newsletter/bad_link.html", {"reason": exc.reason}, status=400)
    form = PreferencesForm(
        request.POST or None, initial={"health_professional": subscriber.is_health_professional}
    )
    if request.method == "POST" and form.is_valid():
        services.set_health_professional(
            token=token, value=form.cleaned_data["health_professional"]
        )
        messages.success(request, "Saved.")
        return redirect("newsletter:preferences", token=token)
    return render(request, "newsletter/preferences.html", {"form": form, "subscriber": subscriber})


@login_required
@require_POST
def subscribe_me(request: AuthedHttpRequest) -> HttpResponse:
    """The one-click button (page footers, your details): back to where it was pressed."""
    health_professional = None  # the learner's role decides, unless the form asked
    if request.POST.get("health_professional_asked"):
        health_professional = bool(request.POST.get("health_professional"))
    source = request.POST.get("source")
    subscriber = services.subscribe_signed_in(
        user=request.user,
        health_professional=health_professional,
        source=source if source in SOURCES else "settings",
    )
    if subscriber.status == Subscriber.Status.ACTIVE:
        messages.success(request, f"You are subscribed to the newsletter at {subscriber.email}.")
    else:
        messages.info(
            request,
            f"Almost done: we have emailed {subscriber.email} a link to confirm your subscription.",
        )
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("me:details")
