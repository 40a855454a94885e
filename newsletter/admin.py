from collections.abc import Iterator

from csp.constants import NONE, SELF
from csp.decorators import csp_replace
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.types import AuthedHttpRequest
from lib.csvexport import csv_response, spreadsheet_safe

from . import services
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

    # A list of addresses and consents leaves the site: for those who may change
    # subscribers (superusers), not for editors, who may only look.
    @admin.action(description="Export the selected subscribers as CSV", permissions=["change"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Subscriber]) -> HttpResponse:
        header = [
            "email",
            "status",
            "health_professional",
            "consent_at",
            "consent_text",
            "confirmed_at",
            "unsubscribed_at",
            "source",
        ]
        return csv_response("subscribers.csv", header, self._rows(queryset))

    @staticmethod
    def _rows(queryset: QuerySet[Subscriber]) -> Iterator[list[object]]:
        for s in queryset.order_by("email").iterator():
            yield (
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


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["subject", "segment", "created_at", "send_started_at", "progress"]
    readonly_fields = ["preview_link", "progress", "send_started_at", "send_requested_by"]
    actions = ["send_test"]
    change_form_template = "admin/newsletter/issue_change_form.html"

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        # The list's progress column from one query, not one per issue.
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_total=Count("deliveries"),
                n_sent=Count("deliveries", filter=Q(deliveries__sent_at__isnull=False)),
                n_failed=Count("deliveries", filter=Q(deliveries__failed_at__isnull=False)),
            )
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["subject", "segment", "body_md"]
        return [
            "subject",
            "segment",
            "body_md",
            "preview_link",
            "send_started_at",
            "send_requested_by",
            "progress",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.send_started_at:
            # Some subscribers have it already: what they got, and who was meant to get
            # it, stay as they were. Write a new issue for a correction.
            return [*self.readonly_fields, "subject", "segment", "body_md"]
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Issue, form: ModelForm, change: bool) -> None:
        if not change:
            assert isinstance(request.user, User)  # the admin lets in only signed-in staff
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview),
                name="newsletter_issue_preview",
            ),
            path(
                "<int:pk>/preview/email/",
                self.admin_site.admin_view(self.preview_email),
                name="newsletter_issue_preview_email",
            ),
            path(
                "<int:pk>/send/",
                self.admin_site.admin_view(self.send),
                name="newsletter_issue_send",
            ),
            path(
                "<int:pk>/send-test/",
                self.admin_site.admin_view(self.send_test_view),
                name="newsletter_issue_send_test",
            ),
            *super().get_urls(),
        ]

    def _issue_or_404(self, request: HttpRequest, pk: int) -> Issue:
        issue = get_object_or_404(Issue, pk=pk)
        if not self.has_change_permission(request, issue):
            raise PermissionDenied
        return issue

    def preview(self, request: AuthedHttpRequest, pk: int) -> TemplateResponse:
        issue = self._issue_or_404(request, pk)
        message = services.issue_message(issue, None, to=request.user.email)
        return TemplateResponse(
            request,
            "admin/newsletter/preview.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Preview: {issue.subject}",
                "issue": issue,
                "subject": message.subject,
                "text": message.body,
                "opts": self.model._meta,
                "audience": services.issue_audience(issue),
            },
        )

    @method_decorator(xframe_options_sameorigin)
    @method_decorator(
        csp_replace(
            {
                # The email as a subscriber's mail client gets it, inline styles and all,
                # shown in a sandboxed frame of the preview page: nothing in it can run,
                # and only our own pages may frame it.
                "default-src": [NONE],
                "script-src": [NONE],
                "style-src": ["'unsafe-inline'"],
                "style-src-attr": ["'unsafe-inline'"],
                "img-src": [SELF, "data:", "https:"],
                "frame-ancestors": [SELF],
            }
        )
    )
    def preview_email(self, request: AuthedHttpRequest, pk: int) -> HttpResponse:
        issue = self._issue_or_404(request, pk)
        message = services.issue_message(issue, None, to=request.user.email)
        html = message.alternatives[0][0]
        assert isinstance(html, str)
        return HttpResponse(html, content_type="text/html; charset=utf-8")

    def send(self, request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
        """Say who will get it, and send only when the editor confirms (POST)."""
        issue = self._issue_or_404(request, pk)
        if not request.user.has_perm("newsletter.send_issue"):
            raise PermissionDenied
        if request.method == "POST":
            services.issue_send(issue=issue, by=request.user, now=timezone.now())
            messages.success(
                request,
                f"Sending “{issue.subject}” to {issue.get_segment_display().lower()}. "
                "Progress shows on this page and in the list of issues.",
            )
            return redirect("admin:newsletter_issue_change", issue.pk)
        progress = services.issue_progress(issue) if issue.send_started_at else None
        return TemplateResponse(
            request,
            "admin/newsletter/send.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Send: {issue.subject}",
                "issue": issue,
                "opts": self.model._meta,
                "audience": services.issue_audience(issue),
                "progress": progress,
            },
        )

    @method_decorator(require_POST)
    def send_test_view(self, request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
        issue = self._issue_or_404(request, pk)
        services.issue_send_test(issue=issue, to=request.user.email)
        messages.success(request, f"A test is on its way to {request.user.email}.")
        return redirect("admin:newsletter_issue_change", issue.pk)

    @admin.display(description="preview")
    def preview_link(self, issue: Issue) -> str:
        if not issue.pk:
            return "Save first to preview."
        return format_html(
            '<a href="{}">Preview the email</a>',
            reverse("admin:newsletter_issue_preview", args=[issue.pk]),
        )

    @admin.display(description="progress")
    def progress(self, issue: Issue) -> str:
        if not issue.pk or not issue.send_started_at:
            return "Not sent yet"
        # Annotated by get_queryset on the list page, all three together.
        if hasattr(issue, "n_total") and hasattr(issue, "n_sent") and hasattr(issue, "n_failed"):
            total, sent, failed = issue.n_total, issue.n_sent, issue.n_failed
        else:
            p = services.issue_progress(issue)
            total, sent, failed = p["total"], p["sent"], p["failed"]
        if not total and not issue.recipients_written_at:
            return "Starting…"
        percent = round(100 * (sent + failed) / total) if total else 100
        return format_html(
            '<progress class="issue-progress" max="100" value="{}" aria-label="{}% done">'
            "</progress> "
            "{} sent · {} remaining · {} failed or skipped",
            percent,
            percent,
            sent,
            total - sent - failed,
            failed,
        )

    @admin.action(description="Send a test of the selected issue to me")
    def send_test(self, request: AuthedHttpRequest, queryset: QuerySet[Issue]) -> None:
        for issue in queryset:
            services.issue_send_test(issue=issue, to=request.user.email)
        messages.success(request, f"A test is on its way to {request.user.email}.")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["issue", "subscriber", "status", "sent_at", "attempts", "last_error"]
    list_filter = ["issue", ("sent_at", admin.EmptyFieldListFilter)]
    list_select_related = ["issue", "subscriber"]
    search_fields = ["subscriber__email"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
