"""The OpenAPI schema says every answer a view can give, not only its happy one.

drf-spectacular documents what a view declares. The answers that come from the framework
around the view are the same for every view of a kind, so they are added here once
rather than on each view: 401 and 403 where a client may authenticate, 400 where a body
or query is validated, 404 where the path names something (or a page number is out of
range), 429 where a throttle applies. Every error answer carries a JSON body."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework.permissions import AllowAny

# DRF's error bodies: {"detail": "..."} or field name → list of messages.
ERROR_BODY = {
    "type": "object",
    "additionalProperties": {},
    "description": "`detail` with a message, or a list of messages per field.",
}

FRAMEWORK_ERRORS = {
    "400": _("The request is not valid: what is wrong, by field or in `detail`."),
    "401": _("Not signed in, or the token is unknown or has expired."),
    "403": _("Signed in but not allowed (or a session request without its CSRF token)."),
    "404": _("Not found (or a page number past the end)."),
    "429": _("Too many requests: wait and try again."),
}


class AutoSchema(SpectacularAutoSchema):
    def _error_codes(self) -> set[str]:
        view = self.view
        codes = set()
        if view.get_authenticators():
            # Any view that reads credentials answers 401 to a bad or expired token.
            codes.add("401")
            if not all(isinstance(p, AllowAny) for p in view.get_permissions()):
                codes.add("403")
            elif self.method not in ("GET", "HEAD", "OPTIONS"):
                codes.add("403")  # session authentication's CSRF check
        # Any request can be malformed (a body that is not valid, a NUL byte in the
        # address, which config.middleware refuses before any view).
        codes.add("400")
        if "{" in self.path:
            codes.add("404")
        if self._is_list_view() and self._get_paginator() is not None:
            codes.add("404")  # ?page= past the end, or not a number
        if view.get_throttles():
            codes.add("429")
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in sorted(self._error_codes()):
            responses.setdefault(code, {"description": FRAMEWORK_ERRORS[code]})
        for code, response in responses.items():
            if code >= "400" and "content" not in response:
                response["content"] = {"application/json": {"schema": ERROR_BODY}}
        return responses
