"""The reflection and evaluation a CPD certificate asks for, as one form."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from .models import Evaluation, Rating
from .services import CpdFeedback, cpd_feedback_problems


class CpdFeedbackForm(forms.Form):
    learned = forms.CharField(
        label="What was new to you, or what do you now see differently?",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional.",
    )
    change = forms.CharField(
        label="What will you change in your practice?",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="A few sentences: a question you will now ask, a finding you will look for, "
        "a test you will use or stop using, when you will refer. It prints on your CPD record.",
    )
    comment = forms.CharField(
        label="Anything else you would like the editors to know?",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional. What worked, what did not, what is missing.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ratings = {
            name: forms.TypedChoiceField(
                label=statement,
                choices=Rating.choices,
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "likert"}),
            )
            for name, statement in Evaluation.STATEMENTS.items()
        }
        # The ratings come between the reflection and the closing comment.
        comment = self.fields.pop("comment")
        self.fields.update(ratings)
        self.fields["comment"] = comment

    @property
    def reflection_fields(self) -> list[forms.BoundField]:
        return [self["learned"], self["change"]]

    @property
    def evaluation_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in (*Evaluation.STATEMENTS, "comment")]

    def feedback(self) -> CpdFeedback:
        data = self.cleaned_data
        return CpdFeedback(
            change=data.get("change", ""),
            learned=data.get("learned", ""),
            ratings={name: data[name] for name in Evaluation.STATEMENTS if name in data},
            comment=data.get("comment", ""),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            for field, problem in cpd_feedback_problems(self.feedback()).items():
                self.add_error(field if field in self.fields else None, ValidationError(problem))
        return cleaned

    @classmethod
    def initial_for(cls, completion: Any) -> dict[str, Any]:
        """What the learner wrote before, to change it."""
        initial: dict[str, Any] = {}
        reflection = getattr(completion, "reflection", None)
        if reflection is not None:
            initial |= {"learned": reflection.learned, "change": reflection.change}
        evaluation = getattr(completion, "evaluation", None)
        if evaluation is not None:
            initial |= {name: getattr(evaluation, name) for name in Evaluation.STATEMENTS}
            initial["comment"] = evaluation.comment
        return initial
