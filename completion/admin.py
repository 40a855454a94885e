from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from accounts.models import User
from course.models import Course
from lib.csvexport import csv_response
from lib.errors import AppError

from .models import Certificate, CourseCompletion, Evaluation, Reflection
from .reports import completion_report, evaluation_summary, report_csv_rows
from .services import REVOKE_REASON_MAX, certificate_reissue, certificate_revoke


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=REVOKE_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown on the certificate's verification page, for anyone who checks it, "
        "and emailed to the learner.",
        error_messages={"required": "Give the reason for revoking."},
    )
    confirm = forms.BooleanField(
        label="I understand: the verification page will say this certificate is revoked, "
        "the learner is emailed the reason, and it cannot be undone.",
        error_messages={"required": "Tick the box to confirm that you mean to revoke it."},
    )


class ReflectionInline(admin.StackedInline):
    model = Reflection
    fields = readonly_fields = ("change", "learned", "written_at", "updated_at")
    can_delete = False
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class EvaluationInline(admin.StackedInline):
    model = Evaluation
    fields = readonly_fields = (*Evaluation.STATEMENTS, "comment", "submitted_at")
    can_delete = False
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CourseCompletion)
class CourseCompletionAdmin(admin.ModelAdmin):
    """Filter by course and date (the date links above the list), then export; the
    report shows the evaluations in aggregate and every completion with its time,
    sittings, reflection and evaluation."""

    list_display = ["user", "course", "completed_at", "reflected", "evaluated"]
    list_filter = ["course"]
    list_select_related = ["user", "course", "reflection", "evaluation"]
    search_fields = ["user__email"]
    date_hierarchy = "completed_at"
    actions = ["export_csv"]
    readonly_fields = ["user", "course", "completed_at"]
    inlines = [ReflectionInline, EvaluationInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(boolean=True, description="reflection")
    def reflected(self, completion: CourseCompletion) -> bool:
        return hasattr(completion, "reflection")

    @admin.display(boolean=True, description="evaluation")
    def evaluated(self, completion: CourseCompletion) -> bool:
        return hasattr(completion, "evaluation")

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "report/<int:course_id>/",
                self.admin_site.admin_view(self.report),
                name="completion_coursecompletion_report",
            ),
            path(
                "report/<int:course_id>/csv/",
                self.admin_site.admin_view(self.report_csv),
                name="completion_coursecompletion_report_csv",
            ),
            *super().get_urls(),
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        courses = Course.objects.filter(audience=Course.Audience.CLINICIAN).order_by("order")
        return super().changelist_view(request, {**(extra_context or {}), "courses": courses})

    def report(self, request: HttpRequest, course_id: int) -> TemplateResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        course = get_object_or_404(Course, pk=course_id)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Completions and evaluations: {course.title}",
            "opts": self.model._meta,
            "course": course,
            "summary": evaluation_summary(course),
            "report": completion_report(CourseCompletion.objects.filter(course=course)),
        }
        return TemplateResponse(request, "admin/completion/report.html", context)

    def report_csv(self, request: HttpRequest, course_id: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        course = get_object_or_404(Course, pk=course_id)
        report = completion_report(CourseCompletion.objects.filter(course=course))
        return csv_response(f"completions-{course.slug}.csv", *report_csv_rows(report))

    @admin.action(description="Export the selected completions as CSV")
    def export_csv(
        self, request: HttpRequest, queryset: QuerySet[CourseCompletion]
    ) -> HttpResponse:
        return csv_response("completions.csv", *report_csv_rows(completion_report(queryset)))


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

    change_form_template = "admin/completion/certificate/change_form.html"

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:pk>/revoke/",
                self.admin_site.admin_view(self.revoke_view),
                name="completion_certificate_revoke",
            ),
            *super().get_urls(),
        ]

    def _revoke_all(
        self, request: HttpRequest, certificates: QuerySet[Certificate], form: RevokeForm
    ) -> int | None:
        """Revoke each certificate for the form's confirmed reason, with a line in its
        history; how many were revoked, or None (and the error on the form) if the
        service refused."""
        assert isinstance(request.user, User)  # the admin lets in only signed-in staff
        reason = form.cleaned_data["reason"]
        revoked = 0
        try:
            with transaction.atomic():  # all of them or, if one is refused, none
                for certificate in certificates:
                    if certificate_revoke(certificate=certificate, reason=reason, by=request.user):
                        certificate.refresh_from_db(fields=["revoked_reason"])
                        # The certificate's history says who revoked it, when and why.
                        self.log_change(
                            request, certificate, f"Revoked: {certificate.revoked_reason}"
                        )
                        revoked += 1
        except AppError as error:
            form.add_error("reason", error.message)
            return None
        return revoked

    def _revoke_page(
        self,
        request: HttpRequest,
        form: RevokeForm,
        certificates: QuerySet[Certificate],
        **context: Any,
    ) -> TemplateResponse:
        return TemplateResponse(
            request,
            "admin/completion/revoke.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "form": form,
                "certificates": certificates.select_related("user"),
                **context,
            },
        )

    @admin.action(description="Revoke the selected certificates (a reason is asked for)")
    def revoke(self, request: HttpRequest, queryset: QuerySet[Certificate]) -> HttpResponse | None:
        """First a page that asks for the reason and a confirmation; its form posts back
        to this action with `apply`, and then each certificate not revoked yet is revoked
        for it."""
        certificates = queryset.filter(revoked_at__isnull=True)
        form = RevokeForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            revoked = self._revoke_all(request, certificates, form)
            if revoked is not None:
                messages.success(
                    request,
                    f"Revoked {revoked} certificate{'' if revoked == 1 else 's'}; "
                    f"{'the learner was' if revoked == 1 else 'each learner was'} emailed.",
                )
                return None
        return self._revoke_page(
            request,
            form,
            certificates,
            title="Revoke certificates",
            already=queryset.filter(revoked_at__isnull=False).count(),
            selected=request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            action_checkbox_name=helpers.ACTION_CHECKBOX_NAME,
        )

    def revoke_view(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        """The same confirmation, reached from the certificate's own page."""
        certificate = get_object_or_404(Certificate, pk=pk)
        if not self.has_change_permission(request, certificate):
            raise PermissionDenied
        certificates = Certificate.objects.filter(pk=pk, revoked_at__isnull=True)
        form = RevokeForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            revoked = self._revoke_all(request, certificates, form)
            if revoked is not None:
                if revoked:
                    messages.success(request, "Revoked the certificate; the learner was emailed.")
                else:
                    messages.warning(request, "This certificate was revoked already.")
                return redirect("admin:completion_certificate_change", pk)
        return self._revoke_page(
            request,
            form,
            certificates,
            title=f"Revoke certificate {certificate.code}",
            original=certificate,
            already=int(certificate.revoked_at is not None),
        )

    @admin.action(
        description="Reissue the selected certificates (new code; the old one says replaced, "
        "or still revoked if it was)"
    )
    def reissue(self, request: HttpRequest, queryset: QuerySet[Certificate]) -> None:
        issued = [c for c in (certificate_reissue(certificate=x) for x in queryset) if c]
        messages.success(request, f"Reissued {len(issued)} certificate(s).")
