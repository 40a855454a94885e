from django.contrib import admin
from django.http import HttpRequest

from .models import Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "local_date",
        "status",
        "due_count",
        "attempts",
        "sent_at",
        "last_error",
    ]
    list_filter = [
        "local_date",
        ("sent_at", admin.EmptyFieldListFilter),
        ("failed_at", admin.EmptyFieldListFilter),
        "interrupted",
    ]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    date_hierarchy = "local_date"
    readonly_fields = [f.name for f in Reminder._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
