from copy import copy
from typing import Any

from django import forms
from django.utils.html import format_html

from accounts.models import User
from lib.timezones import validate_time_zone, zone_choices

from .actions import FLAG_NOTE_MAX
from .services import ReviewSettings

WEEKDAYS = [
    (str(i), name)
    for i, name in enumerate(
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    )
]


def _choice(name: str, explanation: str) -> str:
    """A radio button's label: a few words, and a line under them that explains."""
    return format_html('{} <span class="helptext">{}</span>', name, explanation)


REMINDER_MODES = [
    (
        User.ReminderMode.CLOCK.value,
        _choice("On my days", "At my hour, on days I have reviews due."),
    ),
    (
        User.ReminderMode.RECALL.value,
        _choice(
            "When my memory fades",
            "Only when a card I have learned fades below my desired retention, "
            "as my answers so far predict.",
        ),
    ),
]


class ReviewSettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=zone_choices,
        validators=[validate_time_zone],
        help_text="Your days, daily limits and reminder hour follow this zone.",
    )
    reminder_hour = forms.TypedChoiceField(
        label="Remind me at",
        coerce=int,
        choices=[(h, f"{h:02d}:00") for h in range(7, 22)],
        help_text="Your local time. Reminders never come between 22:00 and 07:00.",
    )
    weekdays = forms.MultipleChoiceField(
        label="On these days",
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reminder_mode = forms.ChoiceField(
        label="Remind me",
        choices=REMINDER_MODES,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": "Choose when reminders come: on your days, or when your memory fades."
        },
    )
    max_reviews_per_day = forms.IntegerField(
        label="Most reviews a day",
        min_value=10,
        max_value=2000,
        help_text="10 to 2000. After a break, a backlog comes back over several days: the "
        "cards you are most likely to have forgotten first.",
        error_messages={
            "min_value": "Choose at least 10 reviews a day.",
            "max_value": "Choose at most 2000 reviews a day.",
            "invalid": "Enter a whole number of reviews, from 10 to 2000.",
            "required": "Enter the most reviews a day, from 10 to 2000.",
        },
    )

    field_order = [
        "desired_retention",
        "new_cards_per_day",
        "max_reviews_per_day",
        "time_zone",
        "reminders_enabled",
        "reminder_mode",
        "reminder_hour",
        "weekdays",
        "light_days",
    ]

    class Meta:
        model = User
        fields = [
            "desired_retention",
            "new_cards_per_day",
            "time_zone",
            "reminders_enabled",
            "reminder_hour",
            "reminder_mode",
            "max_reviews_per_day",
            "light_days",
        ]
        labels = {
            "desired_retention": "Desired retention",
            "new_cards_per_day": "New cards a day",
            "reminders_enabled": "Email me review reminders",
            "light_days": "Keep my days without reminders light",
        }
        help_texts = {
            "light_days": "Reviews are moved off the days you get no reminder, where the "
            "schedule allows.",
        }
        widgets = {
            "desired_retention": forms.NumberInput(
                attrs={"step": "0.01", "min": "0.80", "max": "0.97"}
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Validate against a copy: a form checks, review_settings_save saves, and needs
        # the learner as stored (their retention before this change).
        self.instance = copy(self.instance)
        self.fields["weekdays"].initial = [str(i) for i in self.instance.reminder_days]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # what Form.clean returns, typed
        if cleaned.get("reminders_enabled") and not cleaned.get("weekdays"):
            self.add_error("weekdays", "Choose at least one day, or turn reminders off.")
        return cleaned

    def settings(self) -> ReviewSettings:
        """The valid form's values, for review_settings_save."""
        data = self.cleaned_data
        return ReviewSettings(
            desired_retention=data["desired_retention"],
            new_cards_per_day=data["new_cards_per_day"],
            time_zone=data["time_zone"],
            reminders_enabled=data["reminders_enabled"],
            reminder_hour=data["reminder_hour"],
            weekdays=tuple(sorted(int(d) for d in data["weekdays"])),
            reminder_mode=data["reminder_mode"],
            max_reviews_per_day=data["max_reviews_per_day"],
            light_days=data["light_days"],
        )


class CardFlagForm(forms.Form):
    note = forms.CharField(
        label="What is wrong? (optional)",
        required=False,
        max_length=FLAG_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": f"Keep the note to {FLAG_NOTE_MAX} characters or fewer "
            "(it has %(show_value)d)."
        },
    )
