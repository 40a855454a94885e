from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

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
    inlines = [QuestionInline]

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
    inlines = [ChoiceInline]

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
