from collections.abc import Iterator

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from lib.csvexport import csv_response, spreadsheet_safe

from .models import Certificate, CourseCompletion
from .services import certificate_reissue, certificate_revoke


@admin.register(CourseCompletion)
class CourseCompletionAdmin(admin.ModelAdmin):
    """Filter by course and date (the date links above the list), then export."""

    list_display = ["user", "course", "completed_at"]
    list_filter = ["course"]
    list_select_related = ["user", "course"]
    search_fields = ["user__email"]
    date_hierarchy = "completed_at"
    actions = ["export_csv"]
    readonly_fields = ["user", "course", "completed_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Export the selected completions as CSV")
    def export_csv(
        self, request: HttpRequest, queryset: QuerySet[CourseCompletion]
    ) -> HttpResponse:
        header = [
            "email",
            "name",
            "course",
            "completed_at",
            "certificate_code",
            "certificate_status",
            "cpd_hours",
            "certificate_name",
            "profession",
            "registration_number",
        ]
        completions = queryset.select_related("user", "course").prefetch_related("certificates")
        return csv_response("completions.csv", header, self._rows(completions))

    @staticmethod
    def _rows(completions: QuerySet[CourseCompletion]) -> Iterator[list[object]]:
        for completion in completions.order_by("completed_at"):
            certificate = next(
                (c for c in completion.certificates.all() if not c.replaced_by_id), None
            )
            yield (
                [
                    spreadsheet_safe(completion.user.email),
                    spreadsheet_safe(completion.user.name),
                    spreadsheet_safe(completion.course.title),
                    completion.completed_at.isoformat(),
                    certificate.code if certificate else "",
                    certificate.status if certificate else "",
                    certificate.cpd_hours if certificate else "",
                    spreadsheet_safe(certificate.name) if certificate else "",
                    spreadsheet_safe(certificate.profession) if certificate else "",
                    spreadsheet_safe(certificate.registration_number) if certificate else "",
                ]
            )


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "course_title",
        "completed_on",
        "issued_at",
        "status",
        "revoked_at",
    ]
    list_filter = ["course", "revoked_at"]
    search_fields = ["code", "name", "user__email", "registration_number"]
    date_hierarchy = "issued_at"
    readonly_fields = [f.name for f in Certificate._meta.fields]
    actions = ["revoke", "reissue"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Revoke the selected certificates")
    def revoke(self, request: HttpRequest, queryset: QuerySet[Certificate]) -> None:
        for certificate in queryset:
            certificate_revoke(certificate=certificate, reason=f"Revoked by {request.user}")
        messages.success(request, f"Revoked {queryset.count()} certificate(s).")

    @admin.action(description="Reissue the selected certificates (new code; old says replaced)")
    def reissue(self, request: HttpRequest, queryset: QuerySet[Certificate]) -> None:
        issued = [c for c in (certificate_reissue(certificate=x) for x in queryset) if c]
        messages.success(request, f"Reissued {len(issued)} certificate(s).")
