"""The lesson's admin form: objectives, key points and sources edited as lists rather
than JSON, the body beside its preview and its diagrams, and module choices named with
their course.

`cleaned_data` holds each list in the shape its model field stores (objectives
list[str], key points list[{front, back}], sources list[str]), so whatever saves the
form (the row itself, or a draft revision's data) stores plain JSON."""

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse

from .markdown import figure_names
from .models import Course, Lesson, Module, Reference
from .widgets import LineListWidget, MarkdownEditor, PairListWidget, ReferenceChecklist


def course_short_name(course: Course) -> str:
    """A course as a choice label names it: by its audience, which tells the courses
    apart in a list of modules (one course per audience)."""
    return "CPD" if course.audience == Course.Audience.CLINICIAN else "Patients"


def module_label(module: Module) -> str:
    """'CPD: Module 2 — Deep gluteal space'. Needs module.course loaded."""
    return f"{course_short_name(module.course)}: Module {module.order} — {module.title}"


def lesson_label(lesson: Lesson) -> str:
    """'CPD: Module 2, lesson 3 — The piriformis question'. Needs lesson.module.course."""
    module = lesson.module
    return (
        f"{course_short_name(module.course)}: Module {module.order}, "
        f"lesson {lesson.order} — {lesson.title}"
    )


class ModuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return module_label(obj)


class LessonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return lesson_label(obj)


def modules_for_choice() -> QuerySet[Module]:
    return Module.objects.select_related("course").order_by("course__order", "order", "pk")


def lessons_for_choice() -> QuerySet[Lesson]:
    return Lesson.objects.select_related("module__course").order_by(
        "course__order", "module__order", "order", "pk"
    )


class ObjectivesField(forms.Field):
    widget = LineListWidget

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list):
            lines = [str(line) for line in value]
        else:
            lines = (value or "").splitlines()
        return [" ".join(line.split()) for line in lines if line.strip()]


class KeyPointsField(forms.Field):
    widget = PairListWidget
    default_error_messages = {
        "incomplete": "Key point %(number)s needs both a front and a back.",
        "invalid": "Key points are pairs of a front and a back.",
    }

    def to_python(self, value: Any) -> list[dict[str, str]]:
        if not value:
            return []
        if not isinstance(value, list) or not all(isinstance(p, dict) for p in value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        pairs = [
            {"front": str(p.get("front") or "").strip(), "back": str(p.get("back") or "").strip()}
            for p in value
        ]
        return [p for p in pairs if p["front"] or p["back"]]

    def validate(self, value: list[dict[str, str]]) -> None:
        super().validate(value)
        errors = [
            forms.ValidationError(
                self.error_messages["incomplete"], code="incomplete", params={"number": n}
            )
            for n, pair in enumerate(value, start=1)
            if not (pair["front"] and pair["back"])
        ]
        if errors:
            raise forms.ValidationError(errors)


class SourcesField(forms.MultipleChoiceField):
    widget = ReferenceChecklist
    default_error_messages = {
        "invalid_choice": "There is no reference with the key “%(value)s”. "
        "Add it under References first.",
        "invalid_list": "Sources are a list of reference keys.",
    }


class SlugUniqueInCourseForm(forms.ModelForm):
    """A form for a model whose slug is unique within its course (a lesson, a quiz) but
    whose course is not a field: it is the module's, set on save. Django checks a unique
    constraint only when the form has all its fields, so the clash is checked here, and
    is a form error rather than a database error."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        module, slug = self.cleaned_data.get("module"), self.cleaned_data.get("slug")
        if module is not None and slug:
            model = self._meta.model
            clash = model._default_manager.filter(course_id=module.course_id, slug=slug)
            if clash.exclude(pk=self.instance.pk).exists():
                noun = model._meta.verbose_name
                self.add_error("slug", f"Another {noun} of this course has this slug.")
        return self.cleaned_data


class LessonAdminForm(SlugUniqueInCourseForm):
    objectives = ObjectivesField(
        required=False,
        label="Objectives",
        help_text="One per line: what a learner can do after the lesson (“After this "
        "lesson you can…”). Empty lines are left out.",
    )
    key_points = KeyPointsField(
        required=False,
        label="Key points",
        help_text="Each becomes a review card and needs both sides. Empty a row to remove "
        "it; save to get more empty rows.",
    )
    sources = SourcesField(
        required=False, label="Sources", help_text="The references the lesson rests on."
    )

    class Meta:
        model = Lesson
        # The admin's fieldsets choose what shows; this is what the form may write.
        fields = [
            "module",
            "title",
            "slug",
            "summary",
            "is_free",
            "minutes",
            "order",
            "body_md",
            "objectives",
            "key_points",
            "sources",
            "authors",
            "reviewed_on",
            "status",
            "publish_at",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One query for the checklist, when the form is built (not per widget render).
        sources = self.fields["sources"]
        assert isinstance(sources, SourcesField)
        sources.choices = [
            (key, f"{key}: {citation}")
            for key, citation in Reference.objects.order_by("key").values_list("key", "citation")
        ]
        if "body_md" in self.fields:
            self.fields["body_md"].widget = MarkdownEditor(
                preview_url=reverse("admin_lesson_markdown_preview"),
                figures=self.instance.figures,
                lesson_pk=self.instance.pk,
            )

    def clean_body_md(self) -> str:
        """The body as the content files hold it (browsers send CRLF line ends, which
        would read as a change of every line), checked for what the lesson page cannot
        show: a top-level heading (the title is the page's only one) and a diagram the
        lesson does not have."""
        body: str = self.cleaned_data["body_md"].replace("\r\n", "\n")
        problems = []
        if re.search(r"^# ", body, re.MULTILINE):
            problems.append(
                "Start headings at “## ”: the lesson's title is its only top-level heading, "
                "and a “# ” line would show as plain text."
            )
        known = {figure["name"] for figure in self.instance.figures or []}
        missing = [name for name in figure_names(body) if name not in known]
        if missing:
            problems.append(
                "This lesson has no diagram named "
                + ", ".join(f"“{name}”" for name in missing)
                + (
                    f". Its diagrams: {', '.join(sorted(known))}."
                    if known
                    else ". It has no diagrams."
                )
            )
        if problems:
            raise forms.ValidationError(problems)
        return body

    def clean_sources(self) -> list[str]:
        """The keys ticked, in the order the lesson had them, new ones after (ticked
        boxes come in the checklist's order, which says nothing about the lesson's)."""
        ticked: list[str] = list(self.cleaned_data["sources"])
        before = [key for key in (self.instance.sources or []) if key in ticked]
        return before + [key for key in ticked if key not in before]
