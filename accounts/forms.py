from collections.abc import Mapping
from typing import Any

from allauth.core import ratelimit
from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from lib.fonts import unprintable

from .models import User
from .services import UserDetails, user_complete_signup


class SignupForm(forms.Form):
    """Extra sign-up fields, added by allauth to its own email and password form."""

    name = forms.CharField(
        label="Your name",
        max_length=150,
        required=False,
        help_text="Optional. How we greet you.",
    )
    role = forms.ChoiceField(
        label="I am",
        choices=User.Role.choices,
        widget=forms.RadioSelect,
        initial=User.Role.PATIENT,
    )
    profession = forms.CharField(
        label="Profession",
        max_length=100,
        required=False,
        help_text="Health professionals only: for example physiotherapist, GP, osteopath.",
    )
    registration_number = forms.CharField(
        label="Registration number",
        max_length=50,
        required=False,
        help_text="Health professionals only: your number with your regulator.",
    )

    field_order = [
        "email",
        "name",
        "role",
        "profession",
        "registration_number",
        "password1",
        "password2",
    ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # what Form.clean returns, typed
        if cleaned.get("role") == User.Role.CLINICIAN:
            for field in ("profession", "registration_number"):
                if not (cleaned.get(field) or "").strip():
                    self.add_error(
                        field, ValidationError("Health professionals need to give this.")
                    )
        return cleaned

    def signup(self, request: HttpRequest, user: User) -> None:
        user_complete_signup(
            user=user,
            name=self.cleaned_data.get("name", ""),
            role=self.cleaned_data["role"],
            profession=self.cleaned_data.get("profession", ""),
            registration_number=self.cleaned_data.get("registration_number", ""),
        )


class ProfileForm(SignupForm):
    """The same details as at sign-up, for changing later, and the name for certificates."""

    certificate_name = forms.CharField(
        label="Name on certificates",
        max_length=150,
        required=False,
        help_text="Health professionals: your name exactly as it should appear on CPD "
        "certificates.",
    )

    field_order = ["name", "role", "profession", "registration_number", "certificate_name"]

    def clean(self):
        cleaned = super().clean()
        # What goes on a certificate must print: say so now, not on a spoilt PDF.
        for field in ("certificate_name", "profession", "registration_number"):
            if missing := unprintable(cleaned.get(field) or ""):
                self.add_error(
                    field,
                    ValidationError(
                        "Certificates cannot print %(chars)s. Please write it in Latin, "
                        "Greek or Cyrillic letters.",
                        params={"chars": " ".join(missing)},
                    ),
                )
        return cleaned

    @classmethod
    def for_user(cls, user: User, data: Mapping[str, Any] | None = None) -> "ProfileForm":
        profile = getattr(user, "clinician_profile", None)
        initial = {
            "name": user.name,
            "role": user.role,
            "profession": profile.profession if profile else "",
            "registration_number": profile.registration_number if profile else "",
            "certificate_name": profile.certificate_name if profile else user.name,
        }
        return cls(data=data, initial=initial)

    def details(self) -> UserDetails:
        """The valid form's values, for user_details_save."""
        data = self.cleaned_data
        return UserDetails(
            name=data.get("name", ""),
            role=data["role"],
            profession=data.get("profession", ""),
            registration_number=data.get("registration_number", ""),
            certificate_name=data.get("certificate_name", ""),
        )


def password_guess_allowed(request: HttpRequest) -> bool:
    """Confirming a password again (to delete the account, page or API) shares
    allauth's limit for re-authentication: a handful of guesses a minute per user."""
    return bool(ratelimit.consume(request, action="reauthenticate", user=request.user))


class AccountDeleteForm(forms.Form):
    """Deleting an account asks for the password again: a borrowed, signed-in device
    is not enough."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError("That is not your password.")
        return password
