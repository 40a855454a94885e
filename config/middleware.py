from urllib.parse import unquote

from django.http import HttpRequest, HttpResponseBadRequest


class RejectNulBytesMiddleware:
    """A NUL byte in the address is never part of a real request, and PostgreSQL refuses
    it in any text it is compared with: answer 400 here rather than a 500 from whichever
    lookup meets it first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            return HttpResponseBadRequest("The address contains a character it cannot hold.")
        return self.get_response(request)
