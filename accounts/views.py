"""The sign-up page: allauth's own (email verification, rate limits, the redirect after
it), showing the form for one role at a time."""

from typing import Any
from urllib.parse import urlencode

from allauth.account.views import SignupView as AllauthSignupView
from django.http import HttpRequest
from django.urls import reverse

from .hooks import signup_page
from .models import User

ROLE_PARAMETER = "as"


def signup_role(request: HttpRequest) -> str:
    """Which form the sign-up page opens with: the role asked for (?as=clinician or
    ?as=patient), else the one the place the visitor goes next calls for (a page of the
    CPD course: health professional), else the patient's."""
    asked = request.GET.get(ROLE_PARAMETER, "")
    if asked in User.Role.values:
        return asked
    next_url = request.GET.get("next", "")
    if next_url and signup_page.context(next_url=next_url).get("role") == User.Role.CLINICIAN:
        return User.Role.CLINICIAN
    return User.Role.PATIENT


def signup_url(role: str, next_url: str = "") -> str:
    query = {ROLE_PARAMETER: role} | ({"next": next_url} if next_url else {})
    return f"{reverse('account_signup')}?{urlencode(query)}"


class SignupView(AllauthSignupView):
    def get_initial(self) -> dict[str, Any]:
        return super().get_initial() | {"role": signup_role(self.request)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        other = User.Role.PATIENT if context["form"].is_clinician else User.Role.CLINICIAN
        next_url = self.request.POST.get("next") or self.request.GET.get("next", "")
        return context | {"other_role_url": signup_url(other, next_url)}


signup = SignupView.as_view()
