import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from .data import DeletionRefused, user_delete, user_export
from .forms import AccountDeleteForm, ProfileForm, password_guess_allowed


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm.for_user(request.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save(request.user)
        messages.success(request, "Your details are saved.")
        from course.completion import certificates_issue_pending

        if certificates_issue_pending(user=user):
            messages.success(request, "Your certificate is ready, and on its way by email.")
        return redirect("accounts:profile")
    from newsletter.models import Subscriber

    subscribed = Subscriber.objects.filter(
        email=request.user.email.lower(), status=Subscriber.Status.ACTIVE
    ).exists()
    return render(request, "accounts/profile.html", {"form": form, "subscribed": subscribed})


def export_response(user) -> HttpResponse:
    data = json.dumps(user_export(user=user), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    name = f"buttock-nerve-pain-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """Everything we hold about the learner, as a JSON file."""
    return export_response(request.user)


@login_required
def delete(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = AccountDeleteForm(user, request.POST or None)
    if request.method == "POST":
        if not password_guess_allowed(request):
            form.add_error(None, "Too many attempts. Please wait a minute and try again.")
        elif form.is_valid():
            try:
                user_delete(user=user)
            except DeletionRefused as exc:
                messages.error(request, str(exc))
                return redirect("accounts:profile")
            logout(request)
            messages.success(request, "Your account and everything in it have been deleted.")
            return redirect("course:home")
    return render(
        request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200
    )
