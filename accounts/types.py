"""Types for who is asking: any visitor, or a signed-in user.

``AnyUser`` is what a function takes when anonymous visitors count too (what may this
visitor see?).

Django and DRF type ``request.user`` as ``User | AnonymousUser``. Behind
``@login_required`` (pages) or ``IsAuthenticated`` (API views) it is always our ``User``,
so such a view annotates its request with one of these instead of checking or casting
``request.user`` in its body:

- a page view: ``def details(request: AuthedHttpRequest) -> HttpResponse``;
- an API view method: ``def get(self, request: AuthedRequest) -> Response``;
- a DRF class that reads ``self.request.user`` (``get_queryset``): declare
  ``request: AuthedRequest`` on the class.

The types only narrow what the checker knows; the decorator or permission class is what
makes it true, and must stay beside them.
"""

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from rest_framework.request import Request

from .models import User

AnyUser: TypeAlias = User | AnonymousUser


class AuthedHttpRequest(HttpRequest):
    user: User


class AuthedRequest(Request):
    user: User
