from django.contrib import admin
from django.http import HttpRequest

from .models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ("subject", "to", "created_at", "status", "attempts", "sent_at")
    list_filter = ("sent_at", "failed_at")
    search_fields = ("to", "subject")
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
