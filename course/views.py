from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from lib.errors import AppError, ErrorKind

from . import engagement, hooks, revisions, selectors, services
from .access import LessonAccess, courses_visible_to, is_editor, lesson_access, lesson_is_live
from .markdown import around_outcomes
from .models import Course, Lesson, Revision


def home(request: HttpRequest) -> HttpResponse:
    dashboard = selectors.learner_dashboard(request.user)
    return render(
        request,
        "course/home.html",
        {
            "catalogue": selectors.catalogue(request.user),
            "dashboard": dashboard,
            **hooks.home_page.context(user=request.user, dashboard=dashboard),
        },
    )


def _course_or_404(request: HttpRequest, slug: str) -> Course:
    return get_object_or_404(courses_visible_to(request.user), slug=slug)


def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    course = _course_or_404(request, slug)
    outline = selectors.course_outline(request.user, course)
    return render(
        request,
        "course/course_detail.html",
        {
            "course": course,
            # The outcomes have a section of their own on the page, where the
            # description had them.
            "description_parts": around_outcomes(course.description_html),
            "outline": outline,
            "next_lesson": outline.next_lesson(),
            "preview": not course.is_live(),
            **hooks.course_page.context(user=request.user, course=course),
        },
    )


def _revision_to_preview(request: HttpRequest, lesson: Lesson) -> Revision | None:
    """The revision an editor asked to see the lesson as (`?revision=<id>`). Only
    editors: for anyone else the parameter means nothing and the page is the lesson's."""
    wanted = request.GET.get("revision")
    if wanted is None or not is_editor(request.user):
        return None
    revision = (
        revisions.revisions_of(lesson).filter(pk=int(wanted)).first()
        if wanted.isdigit() and len(wanted) <= 18  # a bigger number is no row, and no 500
        else None
    )
    if revision is None:
        raise Http404("No such revision of this lesson.")
    return revision


def lesson_detail(request: HttpRequest, course_slug: str, lesson_slug: str) -> HttpResponse:
    lesson = selectors.lesson_for_page(request.user, course_slug, lesson_slug)
    if lesson is None:
        raise Http404("No such lesson.")
    revision = _revision_to_preview(request, lesson)
    live_version = lesson.version
    if revision is not None:
        # The draft's data on the lesson in memory only: the page shows it exactly as
        # learners will, and nothing is saved.
        revisions.adapter_for(lesson).load(lesson, revision.data)
    outline = selectors.course_outline(request.user, lesson.course)
    access = lesson_access(request.user, lesson, enrolled=outline.enrolled)
    row = next((r for r in outline.lessons if r.lesson.pk == lesson.pk), None)
    previous, following = outline.neighbours(lesson)
    # An editor previewing (a draft lesson, or a revision) sees the lesson as an enrolled
    # learner would, without the enrolment offer, and the visit counts for nothing.
    preview = revision is not None or (is_editor(request.user) and not lesson_is_live(lesson))
    if access is LessonAccess.OPEN and not preview:
        services.lesson_record_view(user=request.user, lesson=lesson)
    extra = hooks.lesson_page.context(
        user=request.user, lesson=lesson, last_in_module=_last_in_module(outline, lesson)
    )
    return render(
        request,
        "course/lesson_detail.html",
        {
            "lesson": lesson,
            "course": lesson.course,
            "outline": outline,
            "open": access is LessonAccess.OPEN,
            "done": bool(row and row.done),
            "previous": previous,
            "next": following,
            "preview": preview,
            "preview_revision": revision,
            "live_version": live_version,
            "references": selectors.lesson_references(lesson)
            if access is LessonAccess.OPEN
            else [],
            # When "mark done" will count, stated under the button.
            "done_rule": engagement.rule(lesson, self_check=bool(extra.get("self_check"))),
            **extra,
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


def _last_in_module(outline: selectors.CourseOutline, lesson: Lesson) -> bool:
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
    except AppError as exc:
        # Read too briefly is no mistake: say kindly what counts, and stay on the lesson.
        if exc.kind is ErrorKind.NOT_YET:
            messages.info(request, exc.message)
        else:
            messages.error(request, exc.message)
        return redirect(lesson.get_absolute_url())
    if not done:
        messages.info(request, "Marked as not done.")
        return redirect(lesson.get_absolute_url())
    points = len(lesson.key_points or [])
    messages.success(
        request,
        f"“{lesson.title}” is done."
        + (
            f" Its {points} key point{pluralize(points)} now come{pluralize(points, 's,')} back "
            "in your reviews."
            if points
            else ""
        ),
    )
    _, following = selectors.course_outline(request.user, lesson.course).neighbours(lesson)
    return redirect(following.get_absolute_url() if following else lesson.course.get_absolute_url())
