from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .forms import ProfileForm


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
