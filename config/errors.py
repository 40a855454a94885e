"""Error pages that speak the API's language under /api/: JSON `{"detail": ...}` like
every other API answer, so a client (and the schema) sees one error format, whether the
error came from a view or from Django before any view ran (no URL matched, a bad
address). Elsewhere, Django's own pages.

`api_exception_handler` is DRF's exception handler: the one place where a service's
AppError becomes an HTTP answer."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from lib.errors import AppError, ErrorKind

# One status for each kind of application error.
STATUS_OF_KIND: dict[ErrorKind, int] = {
    ErrorKind.INVALID: status.HTTP_400_BAD_REQUEST,
    ErrorKind.SIGN_IN: status.HTTP_401_UNAUTHORIZED,
    ErrorKind.NOT_ALLOWED: status.HTTP_403_FORBIDDEN,
    ErrorKind.NOT_FOUND: status.HTTP_404_NOT_FOUND,
    ErrorKind.ALREADY_DONE: status.HTTP_409_CONFLICT,
    ErrorKind.STALE: status.HTTP_409_CONFLICT,
    # The request is fine but the learner's progress does not allow it yet: a conflict with
    # the state of the thing, which reading (or time) will change.
    ErrorKind.NOT_YET: status.HTTP_409_CONFLICT,
    # A rate limit set by the content (a failed quiz's cool-down): the body says when.
    ErrorKind.COOLING_DOWN: status.HTTP_429_TOO_MANY_REQUESTS,
}


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


# Django calls handler400 and handler403 with the exception, always.
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def forbidden(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": "You do not have permission to do this."}, status=403)
    return defaults.permission_denied(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": "Something went wrong on our side."}, status=500)
    return defaults.server_error(request)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's own answers for its exceptions; for an AppError, the status of its kind and
    `{"detail": message}` with the error's extra facts beside it (a stale review's `reps`,
    the `attempt` a repeated submission became)."""
    if not isinstance(exc, AppError):
        return exception_handler(exc, context)
    code = STATUS_OF_KIND[exc.kind]
    headers = {}
    if exc.kind is ErrorKind.NOT_FOUND:
        # Every 404 under /api/ says the same, whatever was looked for: a client learns
        # nothing about what exists but is not theirs.
        body = {"detail": exceptions.NotFound.default_detail}
    else:
        body = {"detail": exc.message, **exc.extra}
    if exc.kind is ErrorKind.SIGN_IN:
        # As DRF does for NotAuthenticated: 401 names a scheme to sign in by, or it is 403.
        header = context["view"].get_authenticate_header(context["request"])
        if header:
            headers["WWW-Authenticate"] = header
        else:
            code = status.HTTP_403_FORBIDDEN
    set_rollback()
    return Response(body, status=code, headers=headers)
