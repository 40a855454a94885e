"""allauth's forms with the site's own wording: plain, sentence-case labels, no
placeholders that repeat the label (they vanish as you type, and read as filled in).
Named in ACCOUNT_FORMS; kept apart from accounts.forms, which allauth's own sign-up
form is built on (importing allauth's forms there would be circular)."""

from typing import Any, ClassVar

from allauth.account import forms as allauth


class Relabelled:
    """Give the named fields new labels (and help texts); drop every placeholder and
    the colon after each label."""

    labels: ClassVar[dict[str, str]] = {}
    help_texts: ClassVar[dict[str, str]] = {}
    fields: dict[str, Any]
    label_suffix: str

    def relabel(self) -> None:
        self.label_suffix = ""
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in self.labels:
                field.label = self.labels[name]
            if name in self.help_texts:
                field.help_text = self.help_texts[name]


CHOOSING_HELP = (
    "At least 8 characters. Not all numbers, not a common password, and not too like "
    "your name or email address."
)


class LoginForm(Relabelled, allauth.LoginForm):
    labels = {
        "login": "Email address",
        "password": "Password",
        "remember": "Keep me signed in on this device",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.relabel()


class SignupForm(Relabelled, allauth.SignupForm):
    labels = {
        "email": "Email address",
        "password1": "Choose a password",
        "password2": "Type the password again",
    }
    help_texts = {
        "email": "We send a link to it to confirm it is yours.",
        "password1": CHOOSING_HELP,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.relabel()


class ResetPasswordForm(Relabelled, allauth.ResetPasswordForm):
    labels = {"email": "Email address"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.relabel()


class ResetPasswordKeyForm(Relabelled, allauth.ResetPasswordKeyForm):
    labels = {"password1": "New password", "password2": "Type the new password again"}
    help_texts = {"password1": CHOOSING_HELP}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.relabel()


class ChangePasswordForm(Relabelled, allauth.ChangePasswordForm):
    labels = {
        "oldpassword": "Current password",
        "password1": "New password",
        "password2": "Type the new password again",
    }
    help_texts = {"password1": CHOOSING_HELP}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.relabel()


class SetPasswordForm(Relabelled, allauth.SetPasswordForm):
    labels = {"password1": "Choose a password", "password2": "Type the password again"}
    help_texts = {"password1": CHOOSING_HELP}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.relabel()


class AddEmailForm(Relabelled, allauth.AddEmailForm):
    labels = {"email": "New email address"}
    help_texts = {"email": "We send a link to it to confirm it is yours."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.relabel()


class ReauthenticateForm(Relabelled, allauth.ReauthenticateForm):
    labels = {"password": "Your password"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.relabel()
