import contextlib
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from course.access import LessonAccess, is_editor, lessons_visible_to
from course.selectors import first_lesson_after_module, lesson_after
from lib.errors import AppError
from lib.timezones import zone_or_utc

from . import services
from .access import quiz_access, quizzes_visible_to
from .display import (
    Option,
    QuestionForm,
    form_confidence,
    form_ids,
    form_int,
    ordered_options,
    shuffled_options,
)
from .models import Attempt, Question
from .painmap import BY_KEY, REGIONS
from .selectors import feedback_lessons, study_first
from .sittings import RetakeNotYet, has_passed, retake_opens_at
from .versions import as_answered, question_from_data, question_revision


def _forms(
    questions: Iterable[Question],
    selected: dict[int, set[int]],
    problems: dict[int, str],
    key: uuid.UUID,
    confidences: dict[int, int] | None = None,
    unsure: dict[int, str] | None = None,
) -> list[QuestionForm]:
    confidences, unsure = confidences or {}, unsure or {}
    forms = []
    for number, question in enumerate(questions, start=1):
        # Options in an order of their own for each sitting (the same while the page is
        # shown again with an error), so that where the right answer stands teaches
        # nothing. Pain-map regions keep the diagram's order.
        choices = shuffled_options(question.choices.all(), f"{key}:{question.pk}")
        choices = ordered_options(question, choices)
        chosen = selected.get(question.pk, set())
        forms.append(
            QuestionForm(
                question=question,
                number=number,
                options=[Option(choice=c, checked=c.pk in chosen) for c in choices],
                error=problems.get(question.pk, ""),
                confidence=confidences.get(question.pk),
                confidence_error=unsure.get(question.pk, ""),
            )
        )
    return forms


def _chosen(request: HttpRequest) -> dict[int, list[int]]:
    """The answers sent, by question id (fields `q<id>`); the service checks that they
    are the questions of the learner's sitting."""
    answers = {}
    for name in request.POST:
        if name.startswith("q") and (question_id := form_int(name[1:])) is not None:
            answers[question_id] = form_ids(request.POST.getlist(name))
    return answers


CONFIDENCE_SUFFIX = "-confidence"  # as QuestionForm.confidence_name


def _confidences(request: HttpRequest) -> dict[int, int]:
    """How sure the learner said they were, by question id (fields `q<id>-confidence`);
    a value that is not a confidence counts as none given."""
    confidences = {}
    for name in request.POST:
        if name.startswith("q") and name.endswith(CONFIDENCE_SUFFIX):
            question_id = form_int(name[1 : -len(CONFIDENCE_SUFFIX)])
            confidence = form_confidence(request.POST.get(name))
            if question_id is not None and confidence is not None:
                confidences[question_id] = confidence
    return confidences


def take(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = get_object_or_404(
        quizzes_visible_to(request.user).select_related(
            "course", "module", "lesson__course", "lesson__module"
        ),
        pk=pk,
    )
    access = quiz_access(request.user, quiz)
    if access is LessonAccess.HIDDEN:
        raise Http404("No such quiz.")
    context: dict[str, Any] = {"quiz": quiz, "course": quiz.course}
    if access is LessonAccess.LOCKED or not request.user.is_authenticated:
        return render(request, "quizzes/locked.html", context)

    key = uuid.uuid4()
    selected: dict[int, set[int]] = {}
    problems: dict[int, str] = {}
    confidences: dict[int, int] = {}
    unsure: dict[int, str] = {}
    error = ""
    status = 200
    if request.method == "POST":
        with contextlib.suppress(ValueError):  # a new key, as for a first visit
            key = uuid.UUID(request.POST.get("submission_key", ""))
        answers = _chosen(request)
        confidences = _confidences(request)
        try:
            attempt = services.attempt_submit(
                user=request.user,
                quiz=quiz,
                answers=answers,
                confidences=confidences,
                confidence_required=True,
                submission_key=key,
            )
        except RetakeNotYet as held:
            return _cooling_down(request, context, held)
        except AppError as exc:
            if isinstance(exc, services.AlreadySubmitted) and exc.attempt is not None:
                return redirect(exc.attempt)  # a double click: show the first one's result
            selected = {q: set(c) for q, c in answers.items()}
            if isinstance(exc, services.AnswersIncomplete):
                problems, unsure = exc.problems, exc.unsure
            error, status = exc.message, 400
        else:
            return redirect(attempt)
    try:
        sitting, questions = services.questions_to_take(user=request.user, quiz=quiz)
    except RetakeNotYet as held:
        return _cooling_down(request, context, held)
    pool = quiz.questions.count() if sitting is not None else len(questions)
    context |= {
        "forms": _forms(questions, selected, problems, key, confidences, unsure),
        "error": error,
        "submission_key": key,
        "sitting": sitting,
        "pool": pool,
        "practice": sitting is not None and has_passed(request.user, quiz),
    }
    return render(request, "quizzes/take.html", context, status=status)


def opening_time(moment: datetime, zone_name: str) -> str:
    """When a quiz opens, as a learner reads it in their zone: "14:30 on Saturday 28
    November" (with the year when it is not this one)."""
    local = moment.astimezone(zone_or_utc(zone_name))
    now = timezone.now().astimezone(local.tzinfo)
    year = f" {local.year}" if local.year != now.year else ""
    return f"{local:%H:%M} on {local:%A} {local.day} {local:%B}{year}"


def _cooling_down(
    request: HttpRequest, context: dict[str, Any], held: RetakeNotYet
) -> HttpResponse:
    """The quiz page while a failed attempt cools down: when it opens, in the learner's
    time zone, and what to study meanwhile."""
    feedback = as_answered(services.attempt_feedback(held.attempt))
    visible = feedback_lessons(request.user, feedback)
    context |= {
        "attempt": held.attempt,
        "opens_at": held.opens_at,
        "opens_at_text": opening_time(held.opens_at, getattr(request.user, "time_zone", "")),
        "study_first": study_first(feedback, visible),
        "confidently_wrong": sum(1 for f in feedback if f.confidently_wrong),
    }
    return render(request, "quizzes/not_yet.html", context)


def attempt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = get_object_or_404(
        Attempt.objects.select_related(
            "quiz__course", "quiz__module", "quiz__lesson__module", "user"
        ),
        pk=pk,
    )
    if not (
        request.user.is_authenticated
        and (attempt.user_id == request.user.pk or is_editor(request.user))
    ):
        raise Http404("No such attempt.")
    # A question revised since is shown as the learner answered it.
    feedback = as_answered(services.attempt_feedback(attempt))
    visible = feedback_lessons(request.user, feedback)
    missed = [f for f in feedback if f.missed]
    quiz = attempt.quiz
    # After a pass, the course goes on: the next module (or, after a lesson's
    # self-check, the next lesson). After a miss, the retake comes first.
    go_on = None
    retake_at = ""  # after a fail: when the quiz opens again, in the learner's zone
    if not attempt.passed and attempt.user_id == request.user.pk:
        held = retake_opens_at(attempt.user, quiz)
        if held is not None and held[1].pk == attempt.pk:
            retake_at = opening_time(held[0], attempt.user.time_zone)
    if attempt.passed:
        go_on = (
            lesson_after(request.user, quiz.lesson)
            if quiz.lesson
            else first_lesson_after_module(request.user, quiz.module)
        )
    return render(
        request,
        "quizzes/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "course": attempt.quiz.course,
            "feedback": feedback,
            "missed": missed,
            "right": len(feedback) - len(missed),
            "visible_lessons": visible,
            "study_first": study_first(feedback, visible),
            "certainty": services.certainty_of(feedback),
            # Wrong though fairly sure or sure: called out first, the surest first.
            "confidently_wrong": sorted(
                (f for f in feedback if f.confidently_wrong), key=lambda f: -(f.confidence or 0)
            ),
            "go_on": go_on,
            "retake_at": retake_at,
        },
    )


def question_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """A question as a learner meets it in the quiz, then its feedback: for editors
    only. `?revision=<id>` shows that revision of the question (a draft, or any version
    in its history) instead of the row learners see now."""
    if not is_editor(request.user):
        raise Http404("No such question.")
    question = get_object_or_404(
        Question.objects.select_related("quiz__course", "quiz__module").prefetch_related("choices"),
        pk=pk,
    )
    revision = None
    if "revision" in request.GET:
        revision_id = form_int(request.GET["revision"])
        revision = question_revision(question, revision_id) if revision_id else None
        if revision is None:
            raise Http404("No such revision of this question.")
        question = question_from_data(question, revision.data)
    offered = [c for c in question.choices.all() if not c.retired]
    choices = ordered_options(question, shuffled_options(offered, f"preview:{question.pk}"))
    form = QuestionForm(question=question, number=1, options=[Option(choice=c) for c in choices])
    feedback = services.QuestionFeedback(
        question=question,
        score=0.0,
        options=[services.OptionFeedback(choice=c, chosen=False) for c in offered],
    )
    return render(
        request,
        "quizzes/question_preview.html",
        {
            "question": question,
            "quiz": question.quiz,
            "course": question.quiz.course,
            "revision": revision,
            "form": form,
            "item": feedback,
        },
    )


def pain_map(request: HttpRequest) -> HttpResponse:
    region = BY_KEY.get(request.GET.get("region", ""))
    lessons = []
    if region is not None:
        found = {
            (lesson.course.slug, lesson.slug): lesson
            for lesson in lessons_visible_to(request.user)
            .filter(slug__in=[slug for _, slug in region.lessons])
            .select_related("course")
        }
        lessons = [found[pair] for pair in region.lessons if pair in found]
    return render(
        request,
        "quizzes/pain_map.html",
        {
            "regions": REGIONS,
            "region": region,
            "lessons": lessons,
        },
    )
