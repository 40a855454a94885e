from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from .services import unsubscribe_user


# A mail client's one-click unsubscribe (RFC 8058) posts without a CSRF token or a
# session; the signed token in the address is what authorises it.
@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        user = unsubscribe_user(token)
        if user is None:
            return render(request, "reminders/unsubscribe.html", {"invalid": True}, status=400)
        return render(request, "reminders/unsubscribe.html", {"done": True})
    # A GET (a link scanner, or the reader) changes nothing: it asks.
    return render(request, "reminders/unsubscribe.html", {"token": token})
