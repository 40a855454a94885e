from collections.abc import Iterator

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from accounts.models import User
from lib.csvexport import csv_response, spreadsheet_safe
from lib.errors import AppError

from .models import Certificate, CourseCompletion
from .services import REVOKE_REASON_MAX, certificate_reissue, certificate_revoke


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=REVOKE_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown on the certificate's verification page, for anyone who checks it, "
        "and emailed to the learner.",
    )


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
        "revoked_by",
    ]
    list_select_related = ["revoked_by", "replaced_by"]
    list_filter = ["course", "revoked_at"]
    search_fields = ["code", "name", "user__email", "registration_number"]
    date_hierarchy = "issued_at"
    readonly_fields = [f.name for f in Certificate._meta.fields]
    actions = ["revoke", "reissue"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Revoke the selected certificates (a reason is asked for)")
    def revoke(self, request: HttpRequest, queryset: QuerySet[Certificate]) -> HttpResponse | None:
        """First a page that asks for the reason; its form posts back to this action with
        `apply`, and then each certificate not revoked yet is revoked for it."""
        certificates = queryset.filter(revoked_at__isnull=True)
        form = RevokeForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            assert isinstance(request.user, User)  # the admin lets in only signed-in staff
            revoked = 0
            try:
                with transaction.atomic():  # all of them or, if one is refused, none
                    for certificate in certificates:
                        revoked += certificate_revoke(
                            certificate=certificate,
                            reason=form.cleaned_data["reason"],
                            by=request.user,
                        )
            except AppError as error:
                form.add_error("reason", error.message)
            else:
                messages.success(
                    request,
                    f"Revoked {revoked} certificate{'' if revoked == 1 else 's'}; "
                    f"{'the learner was' if revoked == 1 else 'each learner was'} emailed.",
                )
                return None
        return TemplateResponse(
            request,
            "admin/completion/revoke.html",
            {
                **self.admin_site.each_context(request),
                "title": "Revoke certificates",
                "opts": self.model._meta,
                "form": form,
                "certificates": certificates.select_related("user"),
                "already": queryset.filter(revoked_at__isnull=False).count(),
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(
        description="Reissue the selected certificates (new code; the old one says replaced, "
        "or still revoked if it was)"
    )
    def reissue(self, request: HttpRequest, queryset: QuerySet[Certificate]) -> None:
        issued = [c for c in (certificate_reissue(certificate=x) for x in queryset) if c]
        messages.success(request, f"Reissued {len(issued)} certificate(s).")
