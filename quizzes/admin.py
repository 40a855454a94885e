from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from course.admin_forms import (
    LessonChoiceField,
    ModuleChoiceField,
    course_short_name,
    lessons_for_choice,
    modules_for_choice,
)
from lib.charts import Row, RowChart, row_chart

from .models import Attempt, Choice, Question, Quiz, Sitting
from .selectors import LOW_DISCRIMINATION, ItemStatistics, item_statistics


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
    """Each question's facility as a bar, those that discriminate poorly flagged. Named by
    slug: a case's questions often share a prompt ("What is the most likely source...")."""
    return row_chart(
        [
            Row(
                label=f"{number}. {row.question.slug}",
                value=row.facility,
                text="no answers" if row.facility is None else f"{row.facility:g}%",
                flag="check" if row.low_discrimination else "",
            )
            for number, row in enumerate(stats, start=1)
        ],
        caption=(
            "Facility of each question, 0 to 100% (high = easy). Flagged “check”: "
            f"discrimination below {LOW_DISCRIMINATION}."
        ),
        unit="Facility",
        key_heading="Question",
        flag_heading="Flag",
        maximum=100,
    )


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["order", "slug", "kind", "prompt", "lesson"]
    extra = 0
    show_change_link = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **labelled_choice(db_field, kwargs)
        )


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
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
    fields = [
        "module",
        "lesson",
        "title",
        "slug",
        "pass_mark",
        "draw",
        "retake_after_hours",
        "order",
    ]
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

    def statistics(self, request: HttpRequest, pk: int) -> TemplateResponse:
        quiz = get_object_or_404(Quiz, pk=pk)
        stats = item_statistics(quiz)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Item statistics: {quiz.title}",
            "quiz": quiz,
            "opts": self.model._meta,
            "stats": stats,
            "facility_chart": facility_chart(stats),
            "attempts": quiz.attempts.count(),
        }
        return TemplateResponse(request, "admin/quizzes/statistics.html", context)


class ChoiceInline(admin.TabularInline):
    model = Choice
    fields = ["order", "text", "region", "is_correct", "explanation"]
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["slug", "quiz", "kind", "prompt"]
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
