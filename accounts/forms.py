from collections.abc import Iterable, Mapping
from typing import Any

from allauth.core import ratelimit
from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from lib.fonts import unprintable
from lib.timezones import validate_time_zone, zone_choices

from .models import User
from .services import UserDetails, user_complete_signup

# What a health professional gives beside their name: what a CPD certificate prints.
CLINICIAN_FIELDS = ("certificate_name", "profession", "registration_number")
CLINICIAN_MUST_GIVE = "Health professionals need to give this."
DEFAULT_ZONE = User._meta.get_field("time_zone").get_default()  # UTC, as settings.TIME_ZONE


def refuse_unprintable(form: forms.Form, fields: Iterable[str] = CLINICIAN_FIELDS) -> None:
    """What goes on a certificate must print: say so on the form (sign-up or details),
    not on a spoilt PDF. The one rule for both."""
    for field in fields:
        if missing := unprintable(form.cleaned_data.get(field) or ""):
            form.add_error(
                field,
                ValidationError(
                    "Certificates cannot print %(chars)s. Please write it in Latin, "
                    "Greek or Cyrillic letters.",
                    params={"chars": " ".join(missing)},
                ),
            )


def profession_field(help_text: str) -> forms.CharField:
    return forms.CharField(label="Profession", max_length=100, required=False, help_text=help_text)


def registration_number_field(help_text: str) -> forms.CharField:
    return forms.CharField(
        label="Registration number", max_length=50, required=False, help_text=help_text
    )


class SignupForm(forms.Form):
    """Extra sign-up fields, added by allauth to its own email and password form.

    The form is for one role, chosen before it is shown (accounts.views.signup_role) and
    posted back in a hidden field. A patient's form has no clinician field at all, so a
    patient is never shown one and one posted anyway is ignored; a health professional's
    form asks for everything a CPD certificate needs, so that nothing is missing when
    they finish the course."""

    role = forms.CharField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(
        label="Your name",
        max_length=150,
        required=False,
        help_text="Optional. How we greet you.",
    )
    certificate_name = forms.CharField(
        label="Name on certificates",
        max_length=150,
        required=False,
        help_text="Exactly as it should print on your CPD certificates, with a title if "
        "you like (Dr Ana Silva). Left blank, it is your full name.",
    )
    profession = profession_field("For example physiotherapist, GP, osteopath.")
    registration_number = registration_number_field(
        "Your number with your professional regulator, as it should print on certificates."
    )
    time_zone = forms.ChoiceField(
        label="Time zone",
        choices=zone_choices,
        initial=DEFAULT_ZONE,
        required=False,  # a form sent without one gets the default, as the select shows
        validators=[validate_time_zone],
        error_messages={
            "invalid_choice": "Not a time zone we know: please choose one from the list."
        },
        help_text="Your days, daily reviews and reminders follow it. You can change it "
        "later in your review settings.",
    )

    field_order = [
        "email",
        "name",
        "certificate_name",
        "profession",
        "registration_number",
        "time_zone",
        "password1",
        "password2",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The posted role when there is one, else the one the page was opened for.
        # Anything but "clinician" is the patient's form: the one that asks for least.
        clinician = self["role"].value() == User.Role.CLINICIAN
        self.signup_role = User.Role.CLINICIAN if clinician else User.Role.PATIENT
        if clinician:
            name = self.fields["name"]
            name.label, name.help_text = "Full name", "How we greet you."
            name.required = True
            name.error_messages["required"] = "Please give your full name."
            for field in ("profession", "registration_number"):
                self.fields[field].required = True
                self.fields[field].error_messages["required"] = CLINICIAN_MUST_GIVE
        else:
            for field in CLINICIAN_FIELDS:
                del self.fields[field]
        if not self.is_bound:
            # static/js/timezone.js puts the browser's zone in place of the default;
            # a form shown again after an error keeps what was sent.
            self.fields["time_zone"].widget.attrs["data-zone-from-browser"] = ""

    @property
    def is_clinician(self) -> bool:
        return self.signup_role == User.Role.CLINICIAN

    def clean_role(self) -> str:
        return self.signup_role

    def clean_time_zone(self) -> str:
        return self.cleaned_data.get("time_zone") or DEFAULT_ZONE

    def clean(self) -> dict[str, Any]:
        super().clean()
        if self.is_clinician:
            refuse_unprintable(self)
            if not self.cleaned_data.get("certificate_name"):
                # Left blank, the name for certificates is the full name: it must print.
                refuse_unprintable(self, ["name"])
        return self.cleaned_data

    def details(self) -> UserDetails:
        """The valid form's values, for user_complete_signup."""
        data = self.cleaned_data
        if not self.is_clinician:
            return UserDetails(name=data.get("name", ""), role=User.Role.PATIENT)
        return UserDetails(
            name=data["name"],
            role=User.Role.CLINICIAN,
            profession=data["profession"],
            registration_number=data["registration_number"],
            certificate_name=data.get("certificate_name", ""),
        )

    def signup(self, request: HttpRequest, user: User) -> None:
        user_complete_signup(
            user=user, details=self.details(), time_zone=self.cleaned_data["time_zone"]
        )


class ProfileForm(forms.Form):
    """The details given at sign-up, for changing later (the role too), and the name for
    certificates."""

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
    profession = profession_field(
        "Health professionals only: for example physiotherapist, GP, osteopath."
    )
    registration_number = registration_number_field(
        "Health professionals only: your number with your regulator."
    )
    certificate_name = forms.CharField(
        label="Name on certificates",
        max_length=150,
        required=False,
        help_text="Health professionals: your name exactly as it should appear on CPD "
        "certificates.",
    )

    field_order = ["name", "role", "profession", "registration_number", "certificate_name"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        if self.cleaned_data.get("role") == User.Role.CLINICIAN:
            for field in ("profession", "registration_number"):
                if not (self.cleaned_data.get(field) or "").strip():
                    self.add_error(field, ValidationError(CLINICIAN_MUST_GIVE))
        refuse_unprintable(self)
        return self.cleaned_data

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
