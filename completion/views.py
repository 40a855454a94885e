"""Pages: completing a course, the learner's certificates, public verification."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.types import AuthedHttpRequest
from course.access import courses_visible_to, is_editor, lessons_visible_to
from course.models import Course
from lib.limits import allow, client_ip
from reviews.selectors import due_queue, next_due

from .certificates import ISSUER_NOTE, certificate_pdf, issuer_statement
from .models import Certificate, CourseCompletion
from .selectors import MissingDetail, completion_status, missing_details

VERIFY_LIMIT_PER_MINUTE = 30


def _verify_allowed(request: HttpRequest) -> bool:
    """Throttle the public lookup per client address: codes are unguessable, and this
    keeps anyone from trying many."""
    return allow(
        "certificate-verify", client_ip(request), limit=VERIFY_LIMIT_PER_MINUTE, per_seconds=60
    )


def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    if not _verify_allowed(request):
        return render(
            request, "completion/certificate_verify.html", {"throttled": True}, status=429
        )
    certificate = Certificate.objects.filter(code=code).select_related("replaced_by").first()
    context: dict[str, object] = {"certificate": certificate}
    if certificate:
        context |= {
            "statement": issuer_statement(certificate),
            "reissued": certificate.issued_at.date() != certificate.completed_on,
        }
    return render(
        request,
        "completion/certificate_verify.html",
        context,
        status=200 if certificate else 404,
    )


@login_required
def my_certificates(request: AuthedHttpRequest) -> HttpResponse:
    certificates = Certificate.objects.filter(user=request.user).select_related("replaced_by")
    completions = CourseCompletion.objects.filter(user=request.user).select_related("course")
    return render(
        request,
        "completion/my_certificates.html",
        {
            "certificates": certificates,
            "completions": completions,
            "missing_details": missing_details(request.user) if request.user.is_clinician else [],
            "issuer_note": ISSUER_NOTE,
        },
    )


@login_required
def certificate_download(request: AuthedHttpRequest, code: str) -> HttpResponse:
    certificate = get_object_or_404(Certificate, code=code)
    if certificate.user_id != request.user.pk and not is_editor(request.user):
        raise Http404("No such certificate.")
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


@login_required
def course_complete(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """What a learner who finished the course learnt, and what comes next."""
    course = get_object_or_404(courses_visible_to(request.user), slug=slug)
    status = completion_status(request.user, course)
    if status.completion is None:
        return redirect(course.get_absolute_url())
    lessons = list(
        lessons_visible_to(request.user)
        .filter(course=course)
        .select_related("module")
        .order_by("module__order", "order")
    )
    # A certificate is for health professionals who finish the CPD course and have given
    # the details it carries; say which of those is missing, if one is.
    offers_certificate = course.audience == Course.Audience.CLINICIAN
    missing: list[MissingDetail] = []
    if offers_certificate and status.certificate is None and request.user.is_clinician:
        missing = missing_details(request.user)
    now = timezone.now()
    return render(
        request,
        "completion/complete.html",
        {
            "course": course,
            "status": status,
            "lessons": lessons,
            "offers_certificate": offers_certificate,
            "missing_details": missing,
            # Reviews go on after the course: what is waiting today (reviews due and new
            # cards), or when the next review falls due.
            "reviews_due": due_queue(request.user, now).remaining,
            "next_due": next_due(request.user, now),
        },
    )
