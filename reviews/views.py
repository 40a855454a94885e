import math
import time
from collections.abc import Callable, Collection
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.types import AuthedHttpRequest
from lib.charts import Day, column_chart
from lib.errors import AppError, ErrorKind
from quizzes.display import Option, QuestionForm, form_ids, form_int, ordered_options
from quizzes.models import Confidence
from quizzes.scoring import confidently_wrong

from . import actions, selectors, services
from . import scheduler as srs
from .confusions import top_confusions
from .contrast import contrast_view
from .forms import CardFlagForm
from .memory import parameters_for
from .models import Card, Rating
from .progress import recall_now


def _ratings(user, card, now, allowed=Rating.values, parameters=None):
    intervals = srs.previews(user, card, now, parameters=parameters)
    return [
        {"value": r, "label": Rating(r).label, "after": srs.humanise_preview(intervals[r])}
        for r in allowed
    ]


def _question_form(
    card: Card, chosen: Collection[int] = frozenset(), reps: int | None = None
) -> QuestionForm:
    """The question laid out as in a quiz, options in a new order (regions stay put)."""
    question = card.question
    assert question is not None  # only quiz cards are laid out as a question
    choices = ordered_options(question, services.shuffled_choices(card, reps))
    return QuestionForm(
        question=question,
        number=1,
        field_name="choices",
        options=[Option(choice=c, checked=c.pk in chosen) for c in choices],
    )


def _duration_ms(request: HttpRequest) -> int | None:
    try:
        shown = float(request.POST.get("shown_at", ""))
    except ValueError:
        return None
    if not math.isfinite(shown):
        return None
    # A rough time spent on the card, capped so a forgotten tab does not skew the logs.
    return int(min(max(time.time() - shown, 0), 600) * 1000)


@login_required
def session(request: AuthedHttpRequest) -> HttpResponse:
    return _session_page(request, timezone.now())


CONFIDENCE_MISSING = "Say how sure you are: Guessing, Fairly sure or Sure."


def _session_page(
    request: AuthedHttpRequest,
    now: datetime,
    *,
    card: Card | None = None,
    error: str = "",
    confidence_error: str = "",
    chosen: Collection[int] = frozenset(),
    confidence: int | None = None,
    status: int = 200,
) -> HttpResponse:
    """Today's queue and its next card; or `card` again with what was wrong with the
    answer given to it (the options and confidence chosen kept)."""
    queue = selectors.due_queue(request.user, now)
    card = card or queue.card
    context: dict[str, Any] = {
        "queue": queue,
        "today": queue.today,
        "card": card,
        "shown_at": time.time(),
        "error": error,
        "confidence_error": confidence_error,
        "confidences": Confidence.choices,
        "confidence": confidence,
        "rating_table": srs.rating_table(),
    }
    if card is None:
        # Over the day's limit, the next reviews are the ones kept (the page says so).
        if not queue.today.kept:
            context["coming_up"] = selectors.coming_up(request.user, now)
    elif card.kind != Card.Kind.KEY_POINT:
        context["form"] = _question_form(card, chosen)
    elif request.GET.get("show") == str(card.pk):
        context["flipped"] = True
        known = queue.parameters and queue.parameters.for_course(card.course_id)
        context["ratings"] = _ratings(request.user, card, now, parameters=known or None)
    if card is not None and card.due > now:
        context["early"] = card.due
    return render(request, "reviews/session.html", context, status=status)


MISSING_REPS = (
    "This form was sent without the card's review count, so it cannot be told from a "
    "repeat. Please answer the card again from this page."
)


def _form_reps(request: HttpRequest) -> int | None:
    """The card's review count the form was shown with: the key of this review. The
    pages always send it; a repeat of a form (a double click, Back and submit again)
    sends the same one, and gets the first review's outcome."""
    reps = form_int(request.POST.get("reps"))
    return reps if reps is not None and reps <= services.MAX_REPS else None


@login_required
@require_POST
def answer(request: AuthedHttpRequest, card_id: int) -> HttpResponse:
    """Answer a quiz card with how sure you are, in one step (graded and rated here), or
    rate a key-point card."""
    now = timezone.now()
    choices = form_ids(request.POST.getlist("choices"))
    rating = form_int(request.POST.get("rating"))
    reps = _form_reps(request)
    card = (
        selectors.visible_cards(request.user, now)
        .select_related("question")
        .filter(pk=card_id)
        .first()
    )
    if card is None:
        raise Http404("No such card.")
    if reps is None:
        messages.error(request, MISSING_REPS)
        return _session_page(request, now, status=400)

    if card.kind != Card.Kind.KEY_POINT:
        # The answer and its confidence set the rating (scheduler.rating_for_answer).
        confidence = form_int(request.POST.get("confidence"))
        if confidence not in Confidence.values:
            confidence = None
        error = ""
        try:
            services.grade(card, choices)
        except AppError as exc:
            error = exc.message
        if error or confidence is None:
            return _session_page(
                request,
                now,
                card=card,
                error=error,
                confidence_error="" if confidence else CONFIDENCE_MISSING,
                chosen=set(choices),
                confidence=confidence,
                status=400,
            )
        return _record(
            request, card, rating=None, choices=choices, confidence=confidence, reps=reps, now=now
        )
    return _record(request, card, rating=rating, choices=choices, reps=reps, now=now)


def _answer_said(result: services.ReviewResult, back: str) -> str:
    """What was recorded, in words: "Right, and you were sure: Easy, back in 9 days"."""
    label = Rating(result.log.rating).label
    sure = result.confidence
    if result.correct:
        head = "Right"
        if sure == Confidence.GUESSING:
            head += ", but you were guessing"
        elif sure is not None:
            head += f", and you were {Confidence(sure).label.lower()}"
    else:
        head = "Not quite"
        if sure is not None and sure != Confidence.GUESSING:
            head += f", and you were {Confidence(sure).label.lower()}"
    return f"{head}: {label}, back in {back}."


def _recall_said(result: services.ReviewResult) -> str:
    """What the memory model expected of this card just before this review ("" unless it
    was a learned card)."""
    recall = result.recall_before
    if recall is None:
        return ""
    return (
        f"Before this review, we estimated a {round(100 * recall)}% chance you would remember it."
    )


def _record(request, card, *, rating, choices, reps, now, confidence=None):
    """Record the review and show its outcome; a repeat of a recorded review shows that
    review's outcome, the same as the first time."""
    try:
        result = services.review_record(
            user=request.user,
            card_id=card.pk,
            reps=reps,
            rating=rating,
            choices=choices or None,
            confidence=confidence,
            duration_ms=_duration_ms(request),
            now=now,
            early=True,  # the session only shows due cards; a page left open may be early
        )
    except services.StaleReview as exc:
        messages.info(request, exc.message)
        return redirect("reviews:session")
    except AppError as exc:
        messages.error(request, exc.message)
        return redirect("reviews:session")
    back = srs.humanise(result.next_due - now)
    label = Rating(result.log.rating).label
    recall_said = _recall_said(result)
    if result.leech:
        messages.warning(
            request,
            f"This card has been forgotten {services.LEECH_FAILURES} times, so it is out of "
            "the daily reviews for now. Read its lesson again, then bring it back "
            "from your progress page.",
        )
    if card.kind != Card.Kind.KEY_POINT:
        return render(
            request,
            "reviews/feedback.html",
            {
                "card": card,
                "right": result.correct,
                # "fairly sure" or "sure", when the answer was wrong: to read about first.
                "confidently_wrong": Confidence(result.confidence).label.lower()
                if result.confidence is not None
                and confidently_wrong(right=bool(result.correct), confidence=result.confidence)
                else "",
                "said": _answer_said(result, back),
                "form": _question_form(card, set(choices), reps),
                "back_in": back,
                "next_due": result.next_due,
                "recall_said": recall_said,
                "contrast": contrast_view(card) if card.contrast_id else None,
            },
        )
    messages.success(request, f"{label}: back in {back}. {recall_said}".strip())
    return redirect("reviews:session")


@login_required
@require_POST
def bring_back(request: AuthedHttpRequest, card_id: int) -> HttpResponse:
    reps = _form_reps(request)
    if reps is None:
        messages.error(request, MISSING_REPS.replace("answer the card", "bring the card back"))
        return _progress_page(request, status=400)
    try:
        services.card_bring_back(user=request.user, card_id=card_id, reps=reps)
    except services.StaleReview as exc:
        messages.info(request, exc.message)
        return redirect("reviews:progress")
    except AppError as exc:
        raise Http404(exc.message) from exc
    messages.success(request, "The card is back in your reviews.")
    return redirect("reviews:progress")


def _day(day: date, today: date, value: int) -> Day:
    if day == today:
        return Day("Today", "Today", value, marked=True)
    return Day(f"{day:%a %-d %b}", f"{day:%-d}", value)


@login_required
def progress(request: AuthedHttpRequest) -> HttpResponse:
    return _progress_page(request)


def _progress_page(request: AuthedHttpRequest, status: int = 200) -> HttpResponse:
    user, now = request.user, timezone.now()
    days = selectors.forecast(user, now)
    per_day = selectors.reviews_per_day(user, now)
    today = selectors.local_day_start(user, now).date()
    out_of_queue = selectors.suspended_cards(user)
    params = parameters_for(user)
    recent = [
        (day, per_day.get(day, 0)) for day in (today - timedelta(days=i) for i in range(13, -1, -1))
    ]
    return render(
        request,
        "reviews/progress.html",
        {
            "forecast_chart": column_chart(
                [_day(d.day, today, d.count) for d in days],
                caption="Cards due today and on each of the next 14 days",
                unit="Cards due",
            ),
            "recent_chart": column_chart(
                [_day(day, today, n) for day, n in recent],
                caption="Reviews done on each of the last 14 days",
                unit="Reviews",
            ),
            "streak": selectors.streak(per_day, today),
            "retention": selectors.retention_by_module(user),
            "leeches": [card for card in out_of_queue if card.is_leech],
            "suspended": [card for card in out_of_queue if not card.is_leech],
            "leech_failures": services.LEECH_FAILURES,
            "total_cards": Card.objects.filter(user=user).count(),
            "confusions": top_confusions(user),
            "today": selectors.today(user, now),
            "recall": recall_now(user, params, now),
        },
        status=status,
    )


# --- the card's menu: undo, suspend, bury, flag ------------------------------------------


@login_required
@require_POST
def undo(request: AuthedHttpRequest) -> HttpResponse:
    """Take back the last rating and show its card again, as it was before it."""
    now = timezone.now()
    card_id = form_int(request.POST.get("card"))
    reps = _form_reps(request)
    if card_id is None or reps is None:
        messages.error(request, "This form was sent without the answer to take back.")
        return redirect("reviews:session")
    try:
        card = actions.undo_last_review(user=request.user, now=now, card_id=card_id, reps=reps)
    except AppError as exc:
        messages.error(request, exc.message)
        return redirect("reviews:session")
    messages.success(request, "Answer taken back: here is the card again.")
    return _session_page(request, now, card=card)


def _card_action(request: AuthedHttpRequest, card_id: int, act: Callable[..., Any]) -> Any:
    """Do `act` to one of the learner's cards; another's, or none, is a 404. Any other
    refusal is raised for the view to say."""
    try:
        return act(user=request.user, card_id=card_id, now=timezone.now())
    except AppError as exc:
        if exc.kind is ErrorKind.NOT_FOUND:
            raise Http404(exc.message) from exc
        raise


@login_required
@require_POST
def card_suspend(request: AuthedHttpRequest, card_id: int) -> HttpResponse:
    _card_action(request, card_id, actions.card_suspend)
    messages.success(
        request,
        "This card will not be shown again. You can bring it back from your progress page.",
    )
    return redirect("reviews:session")


@login_required
@require_POST
def card_bury(request: AuthedHttpRequest, card_id: int) -> HttpResponse:
    _card_action(request, card_id, actions.card_bury)
    messages.success(request, "Not today: this card comes back tomorrow.")
    return redirect("reviews:session")


@login_required
@require_POST
def card_flag(request: AuthedHttpRequest, card_id: int) -> HttpResponse:
    form = CardFlagForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors["note"]))
        return redirect("reviews:session")
    try:
        flag, made = _card_action(
            request, card_id, partial(actions.card_flag, note=form.cleaned_data["note"])
        )
    except AppError as exc:
        messages.error(request, exc.message)
        return redirect("reviews:session")
    said = f" Your note: “{flag.note}”" if flag.note else ""
    if made:
        messages.success(request, f"Thank you: the editors will check this card.{said}")
    else:
        messages.info(request, f"You have told the editors about this card already.{said}")
    return redirect("reviews:session")
