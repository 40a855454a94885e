from collections.abc import Callable
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

GetResponse = Callable[[HttpRequest], HttpResponse]


class RejectNulBytesMiddleware:
    """A NUL byte in the address is never part of a real request, and PostgreSQL refuses
    it in any text it is compared with: answer 400 here rather than a 500 from whichever
    lookup meets it first."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            message = "The address contains a character it cannot hold."
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Permissions-Policy on every response: the site uses none of the browser's powerful
    features (camera, microphone, location, payment, USB, ...), so none may be asked
    for, by our pages or anything framed in them."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response
