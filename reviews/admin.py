from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from course.models import Module

from .confusions import cohort_matrix
from .models import Card, Confusion, ReviewLog


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "user",
        "kind",
        "state",
        "due",
        "reps",
        "failures",
        "is_leech",
        "suspended",
    ]
    list_filter = ["kind", "state", "is_leech", "suspended", "course"]
    list_select_related = ["user", "question"]
    search_fields = ["user__email", "front"]
    readonly_fields = [f.name for f in Card._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ReviewLog)
class ReviewLogAdmin(admin.ModelAdmin):
    list_display = [
        "reviewed_at",
        "user",
        "card",
        "rating",
        "state_before",
        "state_after",
        "due_after",
    ]
    list_filter = ["rating", "was_new"]
    list_select_related = ["user", "card__question"]
    search_fields = ["user__email"]
    date_hierarchy = "reviewed_at"
    readonly_fields = [f.name for f in ReviewLog._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReviewLog | None = None) -> bool:
        return False


@admin.register(Confusion)
class ConfusionAdmin(admin.ModelAdmin):
    """Learners' wrong answers that took one source for another; per module, the
    cohort's confusion matrix (linked from the quiz's item statistics)."""

    list_display = ["at", "user", "question", "answer_source", "chosen_source", "module"]
    list_filter = ["module__course", "module", "answer_source", "chosen_source"]
    list_select_related = ["user", "question", "module"]
    search_fields = ["user__email", "question__slug"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in Confusion._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Confusion | None = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "module/<int:module_id>/matrix/",
                self.admin_site.admin_view(self.matrix),
                name="reviews_confusion_matrix",
            ),
            *super().get_urls(),
        ]

    def matrix(self, request: HttpRequest, module_id: int) -> TemplateResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        module = get_object_or_404(Module.objects.select_related("course"), pk=module_id)
        matrix = cohort_matrix(module)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Confusion matrix: {module.title}",
            "opts": self.model._meta,
            "module": module,
            "matrix": matrix,
            "quizzes": list(module.quizzes.order_by("lesson__order", "order")),
        }
        return TemplateResponse(request, "admin/reviews/confusion_matrix.html", context)
