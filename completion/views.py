"""Pages: completing a course, the learner's certificates, public verification."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.types import AuthedHttpRequest
from course.access import courses_visible_to, is_editor, lessons_visible_to
from course.engagement import share_in_words
from course.models import Course
from lib.limits import allow, client_ip
from lib.timezones import local_date
from reviews.selectors import due_queue, next_due

from .certificates import ISSUER, ISSUER_NOTE, certificate_pdf, issuer_statement
from .forms import CpdFeedbackForm
from .models import Certificate, CourseCompletion
from .record import ACTIVITY_TYPE
from .record import cpd_record_pdf as cpd_record_pdf_bytes
from .selectors import (
    CpdRecord,
    certificates_pending,
    completion_status,
    missing_details,
    requirements_for,
)
from .selectors import cpd_record as record_of
from .services import cpd_feedback_save

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
    certificates = Certificate.objects.filter(user=request.user).select_related(
        "replaced_by", "course"
    )
    completions = CourseCompletion.objects.filter(user=request.user).select_related("course")
    return render(
        request,
        "completion/my_certificates.html",
        {
            "certificates": certificates,
            "completions": completions,
            "pending": certificates_pending(request.user),
            # Before any completion, a clinician still hears which details are missing.
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
    # A certificate is for health professionals who finish the CPD course, give the
    # details it carries, reflect and evaluate; say what is still missing.
    offers_certificate = course.audience == Course.Audience.CLINICIAN
    unmet = [r for r in requirements_for(request.user, course) if not r.met]
    now = timezone.now()
    return render(
        request,
        "completion/complete.html",
        {
            "course": course,
            "status": status,
            "lessons": lessons,
            "offers_certificate": offers_certificate,
            "unmet": unmet if status.certificate is None else [],
            # Reviews go on after the course: what is waiting today (reviews due and new
            # cards), or when the next review falls due.
            "reviews_due": due_queue(request.user, now).remaining,
            "next_due": next_due(request.user, now),
        },
    )


@login_required
def reflect(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """The reflection and evaluation a CPD certificate asks for, after the course."""
    course = get_object_or_404(
        courses_visible_to(request.user), slug=slug, audience=Course.Audience.CLINICIAN
    )
    completion = (
        CourseCompletion.objects.filter(user=request.user, course=course)
        .select_related("reflection", "evaluation")
        .first()
    )
    if completion is None:
        messages.info(request, "The reflection and evaluation open when you finish the course.")
        return redirect(course.get_absolute_url())
    if request.method == "POST":
        form = CpdFeedbackForm(request.POST)
        if form.is_valid():
            certificate = cpd_feedback_save(completion=completion, feedback=form.feedback())
            if certificate is not None:
                messages.success(request, "Thank you. Your CPD certificate is ready.")
            else:
                messages.success(request, "Thank you: your reflection and evaluation are saved.")
            return redirect("completion:complete", slug=course.slug)
    else:
        form = CpdFeedbackForm(initial=CpdFeedbackForm.initial_for(completion))
    return render(
        request,
        "completion/reflect.html",
        {"course": course, "form": form, "completion": completion},
    )


def _record_or_404(request: AuthedHttpRequest, slug: str) -> CpdRecord:
    course = get_object_or_404(
        courses_visible_to(request.user), slug=slug, audience=Course.Audience.CLINICIAN
    )
    record = record_of(request.user, course)
    if record is None:
        raise Http404("The CPD record opens when you finish the course.")
    return record


@login_required
def cpd_record(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """The learner's CPD record of a course, to print or download for a portfolio."""
    record = _record_or_404(request, slug)
    return render(
        request,
        "completion/cpd_record.html",
        {
            "record": record,
            "activity_type": ACTIVITY_TYPE,
            "reading_share": share_in_words(),
            "issuer": ISSUER,
        },
    )


@login_required
def cpd_record_pdf(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    record = _record_or_404(request, slug)
    zone = request.user.time_zone
    pdf = cpd_record_pdf_bytes(
        record,
        time_zone=zone,
        generated_on=f"{local_date(timezone.now(), zone):%-d %B %Y}",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="cpd-record-{record.course.slug}.pdf"'
    return response
