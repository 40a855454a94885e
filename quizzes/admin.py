from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms import BaseFormSet, BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from course import revisions
from course.admin_forms import (
    LessonChoiceField,
    ModuleChoiceField,
    SlugUniqueInCourseForm,
    course_short_name,
    lessons_for_choice,
    modules_for_choice,
)
from course.admin_revisions import RevisionAdminMixin
from course.models import Revision
from lib.charts import Row, RowChart, row_chart
from lib.csvexport import csv_response

from .models import Attempt, Choice, Question, Quiz, Sitting
from .selectors import (
    LOW_DISCRIMINATION,
    MIN_ANSWERS_TO_FLAG,
    AttemptsCounted,
    ItemStatistics,
    attempt_counts,
    item_statistics,
)
from .versions import CHOICE_FIELDS, QUESTION_FIELDS, question_data, quiz_is_live


class QuizChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{course_short_name(obj.course)}: {obj.title}"


def labelled_choice(db_field: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Module, lesson and quiz choices named with their course ("CPD: Module 2 — …"),
    each list from one query."""
    if db_field.name == "module":
        kwargs.update(form_class=ModuleChoiceField, queryset=modules_for_choice())
    elif db_field.name == "lesson":
        kwargs.update(form_class=LessonChoiceField, queryset=lessons_for_choice())
    elif db_field.name == "quiz":
        kwargs.update(
            form_class=QuizChoiceField,
            queryset=Quiz.objects.select_related("course").order_by("course__order", "order"),
        )
    return kwargs


def facility_chart(stats: list[ItemStatistics]) -> RowChart:
    """Each question version's facility as a bar, those that discriminate poorly (on
    enough answers) flagged. Named by slug: a case's questions often share a prompt ("What
    is the most likely source..."); numbered as in the table, one number per question."""
    return row_chart(
        [
            Row(
                label=f"{row.number}. {row.question.slug} {row.version_label}",
                value=row.facility,
                text="no answers" if row.facility is None else f"{row.facility:g}%",
                flag="check" if row.low_discrimination else "",
            )
            for row in stats
        ],
        caption=(
            "Facility of each question version, 0 to 100% (high = easy). Flagged “check”: "
            f"discrimination below {LOW_DISCRIMINATION} on at least {MIN_ANSWERS_TO_FLAG} "
            "answers."
        ),
        unit="Facility",
        key_heading="Question",
        flag_heading="Flag",
        maximum=100,
    )


STATISTICS_CSV_HEADER = [
    "Number",
    "Question",
    "Slug",
    "Kind",
    "Version",
    "Current version",
    "Answered",
    "Facility (%)",
    "Item-rest correlation",
    "Discrimination index",
    "Discriminative efficiency (%)",
    "Flag",
    "Most chosen wrong option",
    "Times chosen",
]


def statistics_csv_rows(stats: list[ItemStatistics]) -> list[list[object]]:
    """The statistics table as CSV rows (empty cells where the page shows a dash)."""
    return [
        [
            row.number,
            row.question.prompt,
            row.question.slug,
            row.question.get_kind_display(),
            row.version,
            "yes" if row.current else "no",
            row.answered,
            _blank(row.facility),
            _blank(row.discrimination),
            _blank(row.discrimination_index),
            _blank(row.discriminative_efficiency),
            row.note,
            row.top_wrong.label if row.top_wrong else "",
            row.top_wrong_count if row.top_wrong else "",
        ]
        for row in stats
    ]


def _blank(value: float | None) -> object:
    return "" if value is None else value


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["order", "slug", "kind", "prompt", "lesson"]
    extra = 0
    show_change_link = True

    # A live quiz's questions change through their drafts, on each question's own page:
    # here, what learners read is shown, not edited, and no question is added.
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and quiz_is_live(obj):
            return ["kind", "prompt", "lesson"]
        return super().get_readonly_fields(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (obj is None or not quiz_is_live(obj)) and super().has_add_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **labelled_choice(db_field, kwargs)
        )


# What an editor sets on a quiz: the form's fields and the admin page's, one list.
QUIZ_FIELDS = (
    "module",
    "lesson",
    "title",
    "slug",
    "pass_mark",
    "draw",
    "retake_after_hours",
    "order",
)


class QuizAdminForm(SlugUniqueInCourseForm):
    class Meta:
        model = Quiz
        fields = QUIZ_FIELDS


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    form = QuizAdminForm
    list_display = [
        "title",
        "course",
        "module",
        "lesson",
        "pass_mark",
        "draw",
        "retake_after_hours",
        "statistics_link",
    ]
    list_filter = ["course"]
    list_select_related = ["course", "module", "lesson"]
    search_fields = ["title"]
    fields = QUIZ_FIELDS
    prepopulated_fields = {"slug": ["title"]}
    inlines = [QuestionInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **labelled_choice(db_field, kwargs)
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/statistics/",
                self.admin_site.admin_view(self.statistics),
                name="quizzes_quiz_statistics",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="statistics")
    def statistics_link(self, quiz: Quiz) -> str:
        return format_html(
            '<a href="{}">Item statistics</a>',
            reverse("admin:quizzes_quiz_statistics", args=[quiz.pk]),
        )

    def statistics(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Item statistics: each learner's first attempt, or every attempt with
        `?attempts=all`; `&download=csv` gives the table as a CSV file."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        quiz = get_object_or_404(Quiz, pk=pk)
        try:
            counted = AttemptsCounted(request.GET.get("attempts", AttemptsCounted.FIRST))
        except ValueError:
            return HttpResponseBadRequest(
                "attempts must be “first” (each learner's first attempt) or “all”.",
                content_type="text/plain; charset=utf-8",
            )
        stats = item_statistics(quiz, counted)
        if request.GET.get("download") == "csv":
            return csv_response(
                f"item-statistics-{quiz.slug}-{counted}.csv",
                STATISTICS_CSV_HEADER,
                statistics_csv_rows(stats),
            )
        counts = attempt_counts(quiz)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Item statistics: {quiz.title}",
            "quiz": quiz,
            "opts": self.model._meta,
            "stats": stats,
            "facility_chart": facility_chart(stats),
            "counted": counted,
            "counts": counts,
            "attempts": counts.of(counted),
            "min_answers": MIN_ANSWERS_TO_FLAG,
            "low_discrimination": LOW_DISCRIMINATION,
        }
        return TemplateResponse(request, "admin/quizzes/statistics.html", context)


# The options' fields an editor changes in the admin; the others (retired, the source of
# pain) come from the content files.
CHOICE_FORM_FIELDS: tuple[str, ...] = ("order", "text", "region", "is_correct", "explanation")


class ChoiceFormSet(BaseInlineFormSet):
    """The options of a question. Given `draft_rows` (a draft's options), it shows them
    as the draft has them: the options it keeps, with its values, and those it adds as
    extra rows; the options it removed are not shown."""

    def __init__(
        self, *args: Any, draft_rows: list[dict[str, Any]] | None = None, **kwargs: Any
    ) -> None:
        self.draft_rows = draft_rows
        if draft_rows is not None:
            kwargs["initial"] = [
                {name: row.get(name) for name in CHOICE_FORM_FIELDS}
                for row in draft_rows
                if row.get("id") is None
            ]
        super().__init__(*args, **kwargs)

    def get_queryset(self) -> Any:
        if self.draft_rows is None or hasattr(self, "_queryset"):
            return super().get_queryset()
        rows = {c.pk: c for c in super().get_queryset()}
        shown = []
        for row in self.draft_rows:
            choice = rows.get(row.get("id"))
            if choice is not None:
                for name in CHOICE_FIELDS:
                    if name in row:
                        setattr(choice, name, row[name])
                shown.append(choice)
        self._queryset = shown
        return shown


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    fields = [*CHOICE_FORM_FIELDS, "offered"]
    readonly_fields = ["offered"]
    extra = 0
    # Narrow enough that a row of options fits beside the admin's menu at 1280 px.
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 4, "cols": 34})},
        models.CharField: {"widget": forms.TextInput(attrs={"size": 24})},
    }

    @admin.display(description="offered")
    def offered(self, choice: Choice) -> str:
        # Retired options stay for the learners who chose them; say which they are, or
        # they read like the others (the content files retire them).
        if choice.pk is None:
            return "New"
        return "No: retired" if choice.retired else "Yes"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Removing an option of a live question changes its draft (publishing retires the
        # option, kept for the answers that chose it): whoever may change the question
        # may, though editors may delete nothing.
        if obj is not None and quiz_is_live(obj.quiz):
            return self.has_change_permission(request, obj)
        return super().has_delete_permission(request, obj)

    def get_extra(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        """A draft's new options are extra rows."""
        revision = getattr(obj, "_open_revision", None)
        if revision is not None and request.method != "POST":
            return sum(1 for row in revision.data.get("choices", []) if row.get("id") is None)
        return self.extra


@admin.register(Question)
class QuestionAdmin(RevisionAdminMixin, admin.ModelAdmin):
    """A live question (its quiz learners see) is edited in a draft that holds its words
    and all its options (course.admin_revisions); publishing writes them at once."""

    list_display = ["slug", "quiz", "kind", "prompt", "version"]
    list_filter = ["quiz__course", "kind", "quiz"]
    list_select_related = ["quiz"]
    search_fields = ["slug", "prompt", "vignette"]
    fields = ["quiz", "slug", "kind", "vignette", "prompt", "lesson", "order", "twin_list"]
    # Twins come from quiz.yaml (and must stay symmetric there): shown, not edited here.
    readonly_fields = ["twin_list"]
    prepopulated_fields = {"slug": ["prompt"]}
    inlines = [ChoiceInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **labelled_choice(db_field, kwargs)
        )

    @admin.display(description="near-miss twins")
    def twin_list(self, question: Question) -> str:
        return ", ".join(t.slug for t in question.twins.all()) or "none"

    def draft_data(
        self, request: HttpRequest, form: ModelForm, formsets: list[BaseFormSet]
    ) -> dict[str, Any]:
        """The question's fields from the form, and its options from the inline: each
        row kept (its values as edited), each new row (no id), and none of the rows
        deleted, which publishing retires. What the inline does not edit (retired, the
        source of pain) stays as the draft or the row has it."""
        item = Question.objects.get(pk=form.instance.pk)
        draft = revisions.open_revision(item)
        live = question_data(item)
        data = dict(draft.data) if draft else live
        for name in QUESTION_FIELDS:
            if name in form.cleaned_data:
                data[name] = form.cleaned_data[name]
        if "lesson" in form.cleaned_data:
            lesson = form.cleaned_data["lesson"]
            data["lesson"] = lesson.pk if lesson else None
        options = next((f for f in formsets if getattr(f, "model", None) is Choice), None)
        if options is None:
            return data
        # Each option as the draft has it, else as the row has it (one a draft removed
        # and the editor kept after all).
        before = {
            row["id"]: row
            for row in [*live["choices"], *data["choices"]]
            if row.get("id") is not None
        }
        rows = []
        for option in options.forms:
            pk = option.instance.pk
            if pk is None and not option.has_changed():
                continue  # an empty extra row
            if options.can_delete and option in options.deleted_forms:
                continue  # removed: publishing retires it
            prior = before.get(pk) or {"retired": False, "source": ""}
            row = {"id": pk} | {name: prior.get(name) for name in CHOICE_FIELDS}
            row |= {name: option.cleaned_data[name] for name in CHOICE_FORM_FIELDS}
            rows.append(row)
        data["choices"] = rows
        return data

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list[BaseFormSet], change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        # Saved to a draft, the options' formset wrote no rows: the admin's history
        # message (construct_change_message) then reads that nothing was.
        for formset in formsets:
            if not hasattr(formset, "new_objects"):
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []  # type: ignore[attr-defined]

    def draft_formset_kwargs(
        self, request: HttpRequest, obj: Any, inline: Any, prefix: str, revision: Revision
    ) -> dict[str, Any]:
        if isinstance(inline, ChoiceInline):
            return {"draft_rows": revision.data.get("choices", [])}
        return {}


@admin.register(Sitting)
class SittingAdmin(admin.ModelAdmin):
    list_display = ["user", "quiz", "started_at", "attempt"]
    list_filter = ["quiz__course", "quiz"]
    list_select_related = ["user", "quiz", "attempt"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "quiz", "question_ids", "started_at", "attempt"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["user", "quiz", "score", "passed", "submitted_at"]
    list_filter = ["quiz__course", "passed"]
    list_select_related = ["user", "quiz"]
    search_fields = ["user__email"]
    date_hierarchy = "submitted_at"
    readonly_fields = ["user", "quiz", "submission_key", "submitted_at", "score", "passed"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
