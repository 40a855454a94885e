from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from config.limits import allow, client_ip
from quizzes.painmap import REGIONS, regions_for_lesson
from quizzes.selectors import course_quiz_scores, quizzes_for_lesson
from reviews.selectors import due_queue, review_minutes

from . import selectors, services
from .access import (
    LessonAccess,
    courses_visible_to,
    is_editor,
    lesson_access,
    lesson_is_live,
    lessons_visible_to,
)
from .certificates import certificate_pdf
from .completion import completion_status, needs_details
from .models import Certificate, Course, CourseCompletion


def home(request: HttpRequest) -> HttpResponse:
    dashboard = selectors.learner_dashboard(request.user)
    review = due_queue(request.user) if dashboard else None
    return render(
        request,
        "course/home.html",
        {
            "courses": selectors.catalogue(request.user),
            "dashboard": dashboard,
            "review": review,
            "review_minutes": review_minutes(review.remaining) if review else 0,
        },
    )


def _course_or_404(request, slug: str) -> Course:
    return get_object_or_404(courses_visible_to(request.user), slug=slug)


def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    course = _course_or_404(request, slug)
    outline = selectors.course_outline(request.user, course)
    return render(
        request,
        "course/course_detail.html",
        {
            "course": course,
            "outline": outline,
            "next_lesson": outline.next_lesson(),
            "quiz_scores": course_quiz_scores(request.user, course),
            "completion": completion_status(request.user, course)
            if request.user.is_authenticated
            else None,
            "preview": not course.is_live(),
        },
    )


def lesson_detail(request: HttpRequest, course_slug: str, lesson_slug: str) -> HttpResponse:
    lesson = selectors.lesson_for_page(request.user, course_slug, lesson_slug)
    if lesson is None:
        raise Http404("No such lesson.")
    outline = selectors.course_outline(request.user, lesson.course)
    access = lesson_access(request.user, lesson, enrolled=outline.enrolled)
    row = next((r for r in outline.lessons if r.lesson.pk == lesson.pk), None)
    previous, following = outline.neighbours(lesson)
    regions = regions_for_lesson(lesson.course.slug, lesson.slug)
    if access is LessonAccess.OPEN:
        services.lesson_record_view(user=request.user, lesson=lesson)
    preview = is_editor(request.user) and not lesson_is_live(lesson)
    return render(
        request,
        "course/lesson_detail.html",
        {
            "lesson": lesson,
            "course": lesson.course,
            "outline": outline,
            "open": access is LessonAccess.OPEN,
            "regions": regions,
            "region_keys": [r.key for r in regions],
            "all_regions": REGIONS,
            "quizzes": quizzes_for_lesson(
                request.user, lesson, last_in_module=_last_in_module(outline, lesson)
            ),
            "done": bool(row and row.done),
            "previous": previous,
            "next": following,
            "preview": preview,
            "references": selectors.lesson_references(lesson)
            if access is LessonAccess.OPEN
            else [],
        },
    )


def course_references(request: HttpRequest, slug: str) -> HttpResponse:
    """Every work the course's lessons cite, with the lessons that cite it."""
    course = _course_or_404(request, slug)
    return render(
        request,
        "course/references.html",
        {"course": course, "groups": selectors.course_references(request.user, course)},
    )


def _last_in_module(outline, lesson) -> bool:
    in_module = [
        row.lesson.pk for row in outline.lessons if row.lesson.module_id == lesson.module_id
    ]
    return bool(in_module) and in_module[-1] == lesson.pk


@require_POST
def enrol(request: HttpRequest, slug: str) -> HttpResponse:
    course = _course_or_404(request, slug)
    if not request.user.is_authenticated:
        return redirect(
            reverse("account_signup") + "?" + urlencode({"next": course.get_absolute_url()})
        )
    _, created = services.enrollment_create(user=request.user, course=course)
    if request.POST.get("reminders_asked"):
        wanted = bool(request.POST.get("reminders"))
        if wanted != request.user.reminders_enabled:
            request.user.reminders_enabled = wanted
            request.user.save(update_fields=["reminders_enabled"])
    if created:
        messages.success(request, f"You are enrolled in “{course.title}”.")
    start = selectors.course_outline(request.user, course).next_lesson()
    return redirect(start.get_absolute_url() if start else course.get_absolute_url())


@require_POST
def lesson_done(request: HttpRequest, course_slug: str, lesson_slug: str) -> HttpResponse:
    lesson = selectors.lesson_for_page(request.user, course_slug, lesson_slug)
    if lesson is None:
        raise Http404("No such lesson.")
    if not request.user.is_authenticated:
        return redirect(
            reverse("account_login") + "?" + urlencode({"next": lesson.get_absolute_url()})
        )
    done = request.POST.get("done", "1") != "0"
    try:
        services.lesson_set_done(user=request.user, lesson=lesson, done=done)
    except services.AccessDenied as exc:
        messages.error(request, str(exc))
        return redirect(lesson.get_absolute_url())
    if not done:
        messages.info(request, "Marked as not done.")
        return redirect(lesson.get_absolute_url())
    messages.success(request, f"“{lesson.title}” marked as done.")
    _, following = selectors.course_outline(request.user, lesson.course).neighbours(lesson)
    return redirect(following.get_absolute_url() if following else lesson.course.get_absolute_url())


# --- completion and certificates ----------------------------------------------------------

VERIFY_LIMIT_PER_MINUTE = 30


def _verify_allowed(request: HttpRequest) -> bool:
    """Throttle the public lookup per client address: codes are unguessable, and this
    keeps anyone from trying many."""
    return allow(
        "certificate-verify", client_ip(request), limit=VERIFY_LIMIT_PER_MINUTE, per_seconds=60
    )


def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    if not _verify_allowed(request):
        return render(request, "course/certificate_verify.html", {"throttled": True}, status=429)
    certificate = Certificate.objects.filter(code=code).select_related("replaced_by").first()
    return render(
        request,
        "course/certificate_verify.html",
        {"certificate": certificate},
        status=200 if certificate else 404,
    )


@login_required
def my_certificates(request: HttpRequest) -> HttpResponse:
    certificates = Certificate.objects.filter(user=request.user).select_related("replaced_by")
    completions = CourseCompletion.objects.filter(user=request.user).select_related("course")
    return render(
        request,
        "course/my_certificates.html",
        {
            "certificates": certificates,
            "completions": completions,
            "needs_details": request.user.is_clinician and needs_details(request.user),
        },
    )


@login_required
def certificate_download(request: HttpRequest, code: str) -> HttpResponse:
    certificate = get_object_or_404(Certificate, code=code)
    if certificate.user_id != request.user.pk and not is_editor(request.user):
        raise Http404("No such certificate.")
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


@login_required
def course_complete(request: HttpRequest, slug: str) -> HttpResponse:
    """What a learner who finished the course learnt, and what comes next."""
    course = _course_or_404(request, slug)
    status = completion_status(request.user, course)
    if status.completion is None:
        return redirect(course.get_absolute_url())
    lessons = list(
        lessons_visible_to(request.user)
        .filter(course=course)
        .select_related("module")
        .order_by("module__order", "order")
    )
    return render(
        request, "course/complete.html", {"course": course, "status": status, "lessons": lessons}
    )
