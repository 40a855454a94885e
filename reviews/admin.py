from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from accounts.types import AuthedHttpRequest
from course.models import Course, Module
from quizzes.admin import QuestionAdmin
from quizzes.models import Question
from quizzes.sources import source_name

from . import actions
from .confusions import cohort_matrix
from .memory_report import course_memory_report
from .models import Card, CardFlag, Confusion, MemoryFit, ReviewLog


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


class FlagStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("open", "Open"), ("resolved", "Resolved")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[CardFlag]) -> QuerySet[CardFlag]:
        if self.value() == "open":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(CardFlag)
class CardFlagAdmin(admin.ModelAdmin):
    """Learners' reports that a card is wrong. Who reported it is not shown: an editor
    needs the card and the note, not the learner."""

    list_display = ["kind", "about", "lesson", "note_text", "created_at", "is_open"]
    list_display_links = ["kind", "about"]
    list_filter = [FlagStatusFilter, "lesson__course"]
    list_select_related = ["card", "question", "lesson"]
    search_fields = ["note", "question__slug", "question__prompt", "card__front"]
    date_hierarchy = "created_at"
    fields = ["kind", "about", "question", "lesson", "note", "created_at", "resolved_at"]
    readonly_fields = ["kind", "about", "question", "lesson", "note", "created_at", "resolved_at"]
    actions = ["mark_resolved"]

    @admin.display(description="card")
    def kind(self, flag: CardFlag) -> str:
        return flag.card.get_kind_display()

    @admin.display(description="question or key point")
    def about(self, flag: CardFlag) -> str:
        if flag.question is not None:
            return f"{flag.question.slug}: {Truncator(flag.question.prompt).chars(90)}"
        return Truncator(flag.card.front).chars(90)

    @admin.display(description="learner's note")
    def note_text(self, flag: CardFlag) -> str:
        # Escaped by the admin, as every value it shows; in full on the flag's page.
        return Truncator(flag.note).chars(200) if flag.note else "—"

    @admin.display(description="open", boolean=True)
    def is_open(self, flag: CardFlag) -> bool:
        return flag.resolved_at is None

    @admin.action(description="Mark the selected flags resolved")
    def mark_resolved(self, request: AuthedHttpRequest, queryset: QuerySet[CardFlag]) -> None:
        done = actions.flags_resolve(
            flag_ids=queryset.values_list("pk", flat=True), editor=request.user, now=timezone.now()
        )
        messages.success(request, f"Marked {done} flag(s) resolved.")

    def has_change_permission(self, request: HttpRequest, obj: CardFlag | None = None) -> bool:
        # A flag is read, not edited: its page has nothing to save. Resolving is the
        # list's action, which needs the permission on the list (no object).
        return obj is None and super().has_change_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Confusion)
class ConfusionAdmin(admin.ModelAdmin):
    """Learners' wrong answers that took one source for another; per module, the
    cohort's confusion matrix (linked from the quiz's item statistics)."""

    list_display = ["at", "user", "question", "answer", "chosen", "module"]
    list_filter = ["module__course", "module", "answer_source", "chosen_source"]
    list_select_related = ["user", "question", "module"]
    search_fields = ["user__email", "question__slug"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in Confusion._meta.fields]

    @admin.display(description="right source", ordering="answer_source")
    def answer(self, confusion: Confusion) -> str:
        return source_name(confusion.answer_source)

    @admin.display(description="source chosen", ordering="chosen_source")
    def chosen(self, confusion: Confusion) -> str:
        return source_name(confusion.chosen_source)

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


def _loss(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"


@admin.register(MemoryFit)
class MemoryFitAdmin(admin.ModelAdmin):
    """Every fit of the memory model, used or not, read only: the nightly job makes them.
    Per course, the memory model page (linked above the list)."""

    list_display = [
        "fitted_at",
        "scope",
        "fitted_to",
        "review_count",
        "fitted_log_loss",
        "defaults_log_loss",
        "gain",
        "accepted",
        "in_use",
        "reason",
    ]
    list_filter = ["scope", "accepted", "in_use", "course"]
    list_select_related = ["user", "course"]
    search_fields = ["user__email", "course__title"]
    date_hierarchy = "fitted_at"
    ordering = ["-fitted_at", "-pk"]
    # The detail page: every field, read only, the parameters as `parameters_kept` (a
    # rejected fit stores the defaults it started from, which it never used).
    fields = readonly_fields = tuple(
        "parameters_kept" if f.name == "parameters" else f.name
        for f in MemoryFit._meta.fields
        if f.name != "id"
    )

    @admin.display(description="parameters")
    def parameters_kept(self, fit: MemoryFit) -> str:
        if not fit.accepted:
            return "None kept: this fit was not used (see the reason), so it scheduled no cards."
        return ", ".join(f"{w:g}" for w in fit.parameters)

    @admin.display(description="learner or course")
    def fitted_to(self, fit: MemoryFit) -> str:
        return str(fit.user if fit.scope == MemoryFit.Scope.LEARNER else fit.course)

    @admin.display(description="log loss, fitted", ordering="log_loss")
    def fitted_log_loss(self, fit: MemoryFit) -> str:
        return _loss(fit.log_loss)

    @admin.display(description="log loss, defaults", ordering="default_log_loss")
    def defaults_log_loss(self, fit: MemoryFit) -> str:
        return _loss(fit.default_log_loss)

    @admin.display(description="gain")
    def gain(self, fit: MemoryFit) -> str:
        gain = fit.log_loss_gain
        return "—" if gain is None else f"{gain:+.4f}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: MemoryFit | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: MemoryFit | None = None) -> bool:
        # A fit in use schedules cards: it is replaced by the next fit, never deleted.
        return False

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "course/<int:course_id>/",
                self.admin_site.admin_view(self.course_model),
                name="reviews_memoryfit_course",
            ),
            *super().get_urls(),
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        courses = Course.objects.order_by("order", "title")
        return super().changelist_view(request, {**(extra_context or {}), "courses": courses})

    def course_model(self, request: HttpRequest, course_id: int) -> TemplateResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        course = get_object_or_404(Course, pk=course_id)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Memory model: {course.title}",
            "opts": self.model._meta,
            "course": course,
            "report": course_memory_report(course, now=timezone.now()),
        }
        return TemplateResponse(request, "admin/reviews/memory_model.html", context)


# The question's admin page (quizzes) counts its open flags, with a link to them. Added
# here, by the app that owns the flags, so that quizzes knows nothing of reviews.
admin.site.unregister(Question)


@admin.register(Question)
class QuestionWithFlagsAdmin(QuestionAdmin):
    fields = [*QuestionAdmin.fields, "open_flags"]
    readonly_fields = [*QuestionAdmin.readonly_fields, "open_flags"]

    @admin.display(description="flagged by learners")
    def open_flags(self, question: Question) -> str:
        count = CardFlag.objects.filter(question=question, resolved_at__isnull=True).count()
        if not count:
            return "No open flags"
        url = reverse("admin:reviews_cardflag_changelist")
        return format_html(
            '<a href="{}?question__id__exact={}&amp;status=open">{} open flag{}</a>',
            url,
            question.pk,
            count,
            "" if count == 1 else "s",
        )
