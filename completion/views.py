"""Pages: completing a course, the learner's certificates, public verification."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from accounts.types import AuthedHttpRequest
from course.access import courses_visible_to, is_editor, lessons_visible_to
from course.engagement import share_in_words
from course.models import Course
from lib.limits import allow, client_ip
from lib.timezones import local_date
from reviews.selectors import next_due, today

from .badges import badge_url, certificate_badge, revocation_list
from .certificates import (
    assessed_label,
    assessment_statement,
    certificate_pdf,
    issuer_name,
    issuer_note,
    issuer_statement,
)
from .codes import LEFT_OUT
from .forms import CpdFeedbackForm
from .models import Certificate, CourseCompletion
from .record import ACTIVITY_TYPE
from .record import cpd_record_pdf as cpd_record_pdf_bytes
from .selectors import (
    CpdRecord,
    certificate_by_code,
    certificates_pending,
    completion_status,
    completion_with_feedback,
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


# The credential's JSON-LD type first: a client that asks for JSON of either kind gets it.
JSON_TYPES = ["application/ld+json", "application/json"]
NOT_FOUND = "No certificate has this code."
THROTTLED = "Too many look-ups from your address. Please wait a minute and try again."


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Verification code",
        max_length=60,
        help_text="As printed under the verification address on the certificate, for "
        "example 7K4M-Q9XT-2HRW-CN5P-8DFZ. Capitals, spaces and dashes do not matter.",
    )


def _json(data: dict, request: HttpRequest, status: int = 200) -> JsonResponse:
    content_type = "application/ld+json" if _wants_ld(request) else "application/json"
    response = JsonResponse(
        data, status=status, content_type=content_type, json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"  # public, so that badge wallets can read it
    return response


def _wants_ld(request: HttpRequest) -> bool:
    """JSON-LD's own type only to a client that names it; plain JSON to everyone else (a
    browser opening badge.json shows it)."""
    return "application/ld+json" in request.headers.get("Accept", "") and (
        request.get_preferred_type(JSON_TYPES) == "application/ld+json"
    )


def _wants_json(request: HttpRequest) -> bool:
    """A client that prefers JSON to HTML: a badge verifier, a wallet, a script."""
    return request.get_preferred_type(["text/html", *JSON_TYPES]) in JSON_TYPES


def _certificate_or_refusal(
    request: HttpRequest, code: str, *, as_json: bool
) -> Certificate | HttpResponse:
    """The certificate the code names, or the response that says why not: too many
    look-ups, or none has it. A code typed in another form (lower case, no dashes) is
    sent on to the certificate's own address."""
    if not _verify_allowed(request):
        if as_json:
            return _json({"detail": THROTTLED}, request, status=429)
        return render(
            request, "completion/certificate_verify.html", {"throttled": True}, status=429
        )
    certificate = certificate_by_code(code)
    if certificate is None:
        if as_json:
            return _json({"detail": NOT_FOUND}, request, status=404)
        return render(
            request,
            "completion/certificate_verify.html",
            {"certificate": None, "form": CodeForm(), "left_out": LEFT_OUT},
            status=404,
        )
    if certificate.code != code:
        return redirect(request.path.replace(code, certificate.code, 1))
    return certificate


@require_GET
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """The certificate's public record; its Open Badge to a client that asks for JSON."""
    as_json = _wants_json(request)
    found = _certificate_or_refusal(request, code, as_json=as_json)
    if isinstance(found, HttpResponse):
        response = found
    elif as_json:
        response = _json(certificate_badge(found), request)
    else:
        response = render(
            request,
            "completion/certificate_verify.html",
            {
                "certificate": found,
                "issuer_name": issuer_name(found),
                "statement": issuer_statement(found),
                "assessment": assessment_statement(found),
                "assessed": [assessed_label(item) for item in found.assessed],
                "reissued": found.issued_at.date() != found.completed_on,
                "badge_url": badge_url(found),
            },
        )
    patch_vary_headers(response, ["Accept"])
    return response


@require_GET
def certificate_badge_json(request: HttpRequest, code: str) -> HttpResponse:
    """The Open Badge, at a plain address for people to open or save."""
    found = _certificate_or_refusal(request, code, as_json=True)
    if isinstance(found, HttpResponse):
        return found
    return _json(certificate_badge(found), request)


@require_GET
def certificate_status_json(request: HttpRequest, code: str) -> HttpResponse:
    """The certificate's own 1EdTech Revocation List, which its badge points to."""
    found = _certificate_or_refusal(request, code, as_json=True)
    if isinstance(found, HttpResponse):
        return found
    return _json(revocation_list(found), request)


@require_GET
def certificate_check(request: HttpRequest) -> HttpResponse:
    """Type a code, be sent to its certificate: for the code read off paper."""
    form = CodeForm(request.GET or None)
    context: dict[str, object] = {"form": form, "left_out": LEFT_OUT}
    if form.is_bound and form.is_valid():
        if not _verify_allowed(request):
            return render(
                request, "completion/certificate_check.html", {"throttled": True}, status=429
            )
        certificate = certificate_by_code(form.cleaned_data["code"].strip())
        if certificate:
            return redirect(certificate)
        form.add_error(
            "code",
            f"{NOT_FOUND} Check that it was copied whole. Codes never contain {LEFT_OUT}: "
            "if you read one of those, look at that character again.",
        )
    return render(
        request,
        "completion/certificate_check.html",
        context,
        status=400 if form.is_bound else 200,
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
            "issuer_note": issuer_note(),
            "issuer_name": settings.SITE_NAME,
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
            "reviews_due": today(request.user, now).to_go,
            "next_due": next_due(request.user, now),
        },
    )


@login_required
def reflect(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """The reflection and evaluation a CPD certificate asks for, after the course."""
    course = get_object_or_404(
        courses_visible_to(request.user), slug=slug, audience=Course.Audience.CLINICIAN
    )
    completion = completion_with_feedback(request.user, course)
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
            "issuer": settings.SITE_NAME,
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
