import csv

from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from course.admin import spreadsheet_safe
from outbox.services import enqueue_after_commit

from . import services, tasks
from .models import Delivery, Issue, Subscriber


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "status",
        "is_health_professional",
        "consent_at",
        "confirmed_at",
        "source",
    ]
    list_filter = ["status", "is_health_professional", "source"]
    search_fields = ["email"]
    date_hierarchy = "consent_at"
    readonly_fields = [
        "consent_text",
        "consent_at",
        "created_at",
        "confirmation_sent_at",
        "confirmed_at",
        "unsubscribed_at",
        "source",
    ]
    actions = ["export_csv"]

    @admin.action(description="Export the selected subscribers as CSV")
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="subscribers.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [
                "email",
                "status",
                "health_professional",
                "consent_at",
                "consent_text",
                "confirmed_at",
                "unsubscribed_at",
                "source",
            ]
        )
        for s in queryset.order_by("email").iterator():
            writer.writerow(
                [
                    spreadsheet_safe(s.email),
                    s.status,
                    s.is_health_professional,
                    s.consent_at.isoformat(),
                    s.consent_text,
                    s.confirmed_at.isoformat() if s.confirmed_at else "",
                    s.unsubscribed_at.isoformat() if s.unsubscribed_at else "",
                    s.source,
                ]
            )
        return response


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["subject", "segment", "created_at", "send_started_at", "progress"]
    fields = ["subject", "segment", "body_md", "preview_link", "progress", "send_started_at"]
    readonly_fields = ["preview_link", "progress", "send_started_at"]
    actions = ["send_test", "send_to_segment"]

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview),
                name="newsletter_issue_preview",
            ),
            *super().get_urls(),
        ]

    def preview(self, request, pk: int):
        issue = get_object_or_404(Issue, pk=pk)
        message = services.issue_message(issue, None, to=request.user.email)
        return TemplateResponse(
            request,
            "admin/newsletter/preview.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Preview: {issue.subject}",
                "issue": issue,
                "html": message.alternatives[0][0],
                "text": message.body,
                "opts": self.model._meta,
                "audience": Subscriber.objects.filter(
                    services.segment_q(issue.segment), status=Subscriber.Status.ACTIVE
                ).count(),
            },
        )

    @admin.display(description="preview")
    def preview_link(self, issue) -> str:
        if not issue.pk:
            return "Save first to preview."
        return format_html(
            '<a href="{}">Preview the email</a>',
            reverse("admin:newsletter_issue_preview", args=[issue.pk]),
        )

    @admin.display(description="progress")
    def progress(self, issue) -> str:
        if not issue.pk or not issue.send_started_at:
            return "Not sent yet"
        p = services.issue_progress(issue)
        return format_html(
            '<progress max="100" value="{}" style="width:12rem"></progress> '
            "{} sent · {} remaining · {} failed or skipped",
            p["percent"],
            p["sent"],
            p["remaining"],
            p["failed"],
        )

    @admin.action(description="Send a test of the selected issue to me")
    def send_test(self, request, queryset) -> None:
        for issue in queryset:
            services.issue_send_test(issue=issue, to=request.user.email)
        messages.success(request, f"A test is on its way to {request.user.email}.")

    @admin.action(description="Send the selected issue to its segment")
    def send_to_segment(self, request, queryset) -> None:
        for issue in queryset:
            enqueue_after_commit(tasks.send_issue, issue.pk)
        messages.success(
            request,
            "Sending has started; the progress shows in the list. "
            "Sending again later reaches only those who have not had it.",
        )


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["issue", "subscriber", "status", "sent_at", "attempts", "last_error"]
    list_filter = ["issue", ("sent_at", admin.EmptyFieldListFilter)]
    list_select_related = ["issue", "subscriber"]
    search_fields = ["subscriber__email"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
