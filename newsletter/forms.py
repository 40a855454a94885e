from django import forms

from .models import CONSENT_TEXT


class SignupForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,  # the longest address mail can carry (RFC 5321)
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    health_professional = forms.BooleanField(label="I am a health professional", required=False)
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        required=True,
        error_messages={"required": "Please tick to agree, so that we may email you."},
    )
    # A field people never see; simple bots fill it in. Whoever does is told the usual
    # "check your inbox" and nothing is stored.
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


class PreferencesForm(forms.Form):
    health_professional = forms.BooleanField(label="I am a health professional", required=False)
