from zoneinfo import available_timezones

from django import forms

from accounts.models import User


class ReviewSettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=[(z, z.replace("_", " ")) for z in sorted(available_timezones())],
        help_text="Your days, and the daily limit on new cards, follow this zone.",
    )

    class Meta:
        model = User
        fields = ["desired_retention", "new_cards_per_day", "time_zone"]
        labels = {"desired_retention": "Desired retention", "new_cards_per_day": "New cards a day"}
        widgets = {
            "desired_retention": forms.NumberInput(
                attrs={"step": "0.01", "min": "0.80", "max": "0.97"}
            )
        }
