from django.contrib import admin
from django.http import HttpRequest

from .models import Card, ReviewLog


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
