"""API v1 for reviews: the due queue, answering or rating a card, and statistics."""

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.types import AuthedRequest
from quizzes.models import Confidence

from . import actions, selectors, services
from .confusions import top_confusions
from .contrast import contrast_view, open_contrast_pairs
from .memory import parameters_for
from .models import Card, CardFlag, ContrastPair, Rating
from .progress import recall_now

# --- contrast cards and confusions -------------------------------------------------------


class ContrastPairSerializer(serializers.ModelSerializer):
    """A pair of near-miss twin cases in contrast review, and how far each side has come."""

    class Meta:
        model = ContrastPair
        fields = [
            "id",
            "case_a",
            "case_b",
            "missed",
            "a_right_days",
            "a_last_right",
            "b_right_days",
            "b_last_right",
            "created_at",
            "retired_at",
        ]


class SegmentSerializer(serializers.Serializer):
    text = serializers.CharField()
    marked = serializers.BooleanField(help_text="Differs from the twin's vignette.")


class PassageSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="The lesson passage, with its #anchor.")
    title = serializers.CharField()


class ContrastCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="question.pk")
    slug = serializers.CharField(source="question.slug")
    vignette = serializers.CharField(source="question.vignette")
    prompt = serializers.CharField(source="question.prompt")
    key = serializers.ListField(child=serializers.CharField(), help_text="The right answer.")
    sources = serializers.ListField(child=serializers.CharField(), help_text="Its source keys.")
    asked = serializers.BooleanField(help_text="The case this review asked.")
    right_days = serializers.IntegerField(help_text="Separate days answered right (2 retire).")
    highlighted = SegmentSerializer(
        source="segments", many=True, help_text="The vignette in runs, the finding marked."
    )


class ContrastResultSerializer(serializers.Serializer):
    """After answering a contrast card: both cases side by side, the asked one first."""

    pair = serializers.IntegerField(source="pair.pk")
    cases = ContrastCaseSerializer(source="sides", many=True)
    passage = PassageSerializer(allow_null=True)
    source_names = serializers.ListField(child=serializers.CharField())
    retired = serializers.BooleanField(help_text="Told apart: the pair leaves the reviews.")


class ConfusedPairSerializer(serializers.Serializer):
    sources = serializers.ListField(child=serializers.CharField(), help_text="Two source keys.")
    names = serializers.ListField(child=serializers.CharField())
    count = serializers.IntegerField(help_text="Times taken for each other, either way.")
    last = serializers.DateTimeField()
    passage = PassageSerializer(allow_null=True, help_text="The passage that separates them.")


class ConfusionsSerializer(serializers.Serializer):
    pairs = ConfusedPairSerializer(many=True)
    open_contrast_pairs = ContrastPairSerializer(many=True)


class ConfusionsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ConfusionsSerializer)
    def get(self, request: AuthedRequest) -> Response:
        """The sources you mix up most (top 8, both ways counted together) and your
        pairs of twin cases still in contrast review."""
        data = {
            "pairs": top_confusions(request.user),
            "open_contrast_pairs": open_contrast_pairs(request.user),
        }
        return Response(ConfusionsSerializer(data).data)


class CardSerializer(serializers.ModelSerializer):
    lesson = serializers.SerializerMethodField()
    question = serializers.SerializerMethodField()

    class Meta:
        model = Card
        fields = ["id", "kind", "due", "state", "reps", "front", "lesson", "question", "contrast"]

    contrast = ContrastPairSerializer(
        allow_null=True,
        read_only=True,
        help_text="Contrast cards: the pair; `question` is the side asked.",
    )

    def get_lesson(self, card: Card) -> str | None:
        return card.lesson.get_absolute_url() if card.lesson is not None else None

    def get_question(self, card: Card) -> dict | None:
        """A quiz card's question with its options in a new order, without answers."""
        if card.kind not in (Card.Kind.QUESTION, Card.Kind.CONTRAST):
            return None
        question = card.question
        assert question is not None  # a quiz card has its question
        return {
            "id": question.pk,
            "kind": question.kind,
            "vignette": question.vignette,
            "prompt": question.prompt,
            "options": [
                {"id": c.pk, "label": c.label, "region": c.region}
                for c in services.shuffled_choices(card)
            ],
        }


class QueueSerializer(serializers.Serializer):
    """The day's counts, the same as the review pages' (selectors.today)."""

    reviews_due = serializers.IntegerField(
        source="today.due_now", help_text="Cards in review due now."
    )
    due_later_today = serializers.IntegerField(
        source="today.due_later",
        help_text="Cards due later in your local day (learning steps): part of today's queue.",
    )
    new_available = serializers.IntegerField(
        source="today.new_available", help_text="New cards left within today's limit."
    )
    to_go = serializers.IntegerField(
        source="today.to_go", help_text="Due now + new within the limit + due later today."
    )
    minutes = serializers.IntegerField(
        source="today.minutes",
        help_text="About how long the cards to go take, from each card's own answer times.",
    )
    reviewed_today = serializers.IntegerField(
        source="today.done",
        help_text="Reviews done today (the quiz answers that made cards are not counted).",
    )
    kept_for_coming_days = serializers.IntegerField(
        source="today.kept",
        help_text="Cards due today beyond your daily review limit: served on the coming "
        "days, the least likely to be recalled first. Not in `to_go`.",
    )
    max_reviews_per_day = serializers.IntegerField(
        source="today.limit", help_text="Your daily review limit (new cards have their own)."
    )
    next = CardSerializer(
        source="card",
        allow_null=True,
        help_text="The next card to review: due now first (the least likely to be recalled "
        "first), then new, then due later today "
        "(review it without `early`); null when nothing is left before the end of the day.",
    )


REPS_HELP = (
    "The card's `reps` as you were shown it (from the due queue or your last answer): the "
    "idempotency key of this request. Sent again with the same answer (a retry after a "
    "lost response, a double click), the first result is returned (200, the same body), "
    "and nothing is recorded twice. A `reps` that is neither the card's now nor that of a "
    "review recorded with the same answer is stale: 409, with the card's `reps` now."
)
REPS_MISSING = (
    "Send reps: the card's review count as you were shown it (the card's `reps` in the due "
    "queue). It keys the request, so that a retry is not recorded twice."
)


def reps_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=0,
        max_value=services.MAX_REPS,
        help_text=REPS_HELP,
        error_messages={"required": REPS_MISSING, "null": REPS_MISSING},
    )


class ReviewInSerializer(serializers.Serializer):
    reps = reps_field()
    rating = serializers.IntegerField(
        required=False,
        help_text="1 Again, 2 Hard, 3 Good, 4 Easy. Key points: required. "
        "Quiz cards: optional; set by `confidence` when it is sent (a rating that "
        "contradicts it is a 400), else Good for a right answer.",
    )
    confidence = serializers.IntegerField(
        required=False,
        help_text="Quiz cards: how sure you were, 1 Guessing, 2 Fairly sure, 3 Sure. With "
        "`choices` it sets the rating: wrong → 1 Again; right and guessing → 2 Hard; "
        "fairly sure → 3 Good; sure → 4 Easy. Saved with the review.",
    )
    choices = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=50,
        help_text="Quiz cards: the chosen option ids.",
    )
    early = serializers.BooleanField(
        default=False,
        help_text="Review a card not due today. Cards due later today (learning steps) are "
        "in today's queue and need no `early`.",
    )
    duration_ms = serializers.IntegerField(required=False, min_value=0, max_value=3_600_000)

    def validate_confidence(self, value: int) -> int:
        if value not in Confidence.values:
            raise serializers.ValidationError(
                "The confidence must be 1 (Guessing), 2 (Fairly sure) or 3 (Sure)."
            )
        return value

    def validate_rating(self, value: int) -> int:
        if value not in Rating.values:
            raise serializers.ValidationError(
                "The rating must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)."
            )
        return value


class ReviewOutSerializer(serializers.Serializer):
    """Read from the review's log, so that a repeat answers exactly as the first did."""

    card = serializers.IntegerField(source="card.pk")
    rating = serializers.IntegerField(source="log.rating")
    correct = serializers.BooleanField(allow_null=True)
    confidence = serializers.IntegerField(allow_null=True, help_text="As sent, if it was.")
    state = serializers.IntegerField(source="log.state_after")
    next_due = serializers.DateTimeField()
    reps = serializers.IntegerField(help_text="The card's `reps` after this review.")
    leech = serializers.BooleanField(help_text="This review took the card out of the queue.")
    recall_before = serializers.SerializerMethodField()
    contrast = serializers.SerializerMethodField()

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_recall_before(self, result: services.ReviewResult) -> float | None:
        """The memory model's chance, 0–1, that you would recall the card just before
        this review; null unless the card was learned then (a first answer or a learning
        step has none)."""
        return result.recall_before

    @extend_schema_field(ContrastResultSerializer(allow_null=True))
    def get_contrast(self, result: services.ReviewResult) -> dict | None:
        """Contrast cards: both cases side by side, the one just answered first."""
        if result.card.kind != Card.Kind.CONTRAST:
            return None
        view = contrast_view(result.card, asked=result.log.question_id)
        return ContrastResultSerializer(view).data


class StaleSerializer(serializers.Serializer):
    detail = serializers.CharField()
    reps = serializers.IntegerField(help_text="The card's `reps` now: load it again.")


STALE = OpenApiResponse(
    StaleSerializer,
    description="Stale: `reps` is not the card's now, and no review recorded at that "
    "`reps` had this answer (the card was reviewed since you were shown it, or this "
    "review was recorded with another answer). Load the card again.",
)
REPLAYED = OpenApiParameter(
    "Idempotent-Replayed",
    type=str,
    location=OpenApiParameter.HEADER,
    response=[200],
    description="`true` when the request repeated one already recorded (its result again).",
)


class DueView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=QueueSerializer)
    def get(self, request: AuthedRequest) -> Response:
        """Counts for today and the next card to review."""
        return Response(QueueSerializer(selectors.due_queue(request.user)).data)


class ReviewView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ReviewInSerializer,
        parameters=[REPLAYED],
        responses={
            200: ReviewOutSerializer,
            400: OpenApiResponse(
                description="Bad rating, answer or body; `reps` missing; or not due yet."
            ),
            404: OpenApiResponse(description="Not your card."),
            409: STALE,
        },
    )
    def post(self, request: AuthedRequest, card_id: int) -> Response:
        """Answer a quiz card or rate a key-point card; returns when it comes back.

        `reps` is required: the card's `reps` as you were shown it. It is the request's
        idempotency key: the same answer sent again with the same `reps` returns the
        first result (200, the same body, header `Idempotent-Replayed: true`) and records
        nothing more."""
        body = ReviewInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        result = services.review_record(
            user=request.user,
            card_id=card_id,
            reps=data["reps"],
            rating=data.get("rating"),
            choices=data.get("choices"),
            early=data["early"],
            duration_ms=data.get("duration_ms"),
            confidence=data.get("confidence"),
        )
        response = Response(ReviewOutSerializer(result).data)
        if result.replayed:
            response["Idempotent-Replayed"] = "true"
        return response


class RecallRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The module's id, or the source's key.")
    title = serializers.CharField()
    course = serializers.CharField(help_text="The module's course; empty for a source.")
    cards = serializers.IntegerField(help_text="Learned cards in your reviews.")
    average = serializers.FloatField(
        help_text="Average probability of recalling them now, 0–1 (the memory model's)."
    )
    percent = serializers.IntegerField()
    below = serializers.IntegerField(help_text="Cards below your desired retention now.")


class RecallNowSerializer(serializers.Serializer):
    """How much you would recall now: for each learned card, the memory model's estimate
    of the chance you would answer it right if asked now, averaged. Cards still in their
    learning or relearning steps are counted apart (`learning`)."""

    desired_retention = serializers.DecimalField(
        source="desired", max_digits=3, decimal_places=2, coerce_to_string=False
    )
    by_module = RecallRowSerializer(source="modules", many=True)
    by_source = RecallRowSerializer(
        source="sources",
        many=True,
        help_text="Case cards by the source of pain of their answer, the most faded first.",
    )
    learning = serializers.IntegerField(
        help_text="Cards still learning, or relearning after a wrong answer: not counted."
    )


class StatsSerializer(serializers.Serializer):
    forecast = serializers.ListField(child=serializers.DictField())
    reviews_per_day = serializers.ListField(child=serializers.DictField())
    streak = serializers.IntegerField()
    retention = serializers.ListField(child=serializers.DictField())
    leeches = serializers.IntegerField()
    recall_now = RecallNowSerializer()


class StatsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=StatsSerializer)
    def get(self, request: AuthedRequest) -> Response:
        """Forecast for 14 days, reviews per day, streak, retention by module, leeches,
        and how much you would recall now by module and by source of pain."""
        user, now = request.user, timezone.now()
        per_day = selectors.reviews_per_day(user, now)
        forecast = selectors.forecast(user, now)
        return Response(
            {
                "forecast": [{"date": d.day, "due": d.count} for d in forecast],
                "reviews_per_day": [{"date": d, "reviews": n} for d, n in sorted(per_day.items())],
                "streak": selectors.streak(per_day, forecast[0].day),
                "retention": [
                    {
                        "module": r.title,
                        "course": r.course,
                        "reviews": r.reviews,
                        "right_percent": r.percent,
                    }
                    for r in selectors.retention_by_module(user)
                ],
                "leeches": len(selectors.leeches(user)),
                "recall_now": RecallNowSerializer(recall_now(user, parameters_for(user), now)).data,
            }
        )


class BringBackSerializer(serializers.Serializer):
    reps = reps_field()


# --- undo, suspend, bury, flag -----------------------------------------------------------


class CardStateSerializer(CardSerializer):
    """A card with whether it is in the queue: after undo, suspend, unsuspend or bury."""

    class Meta(CardSerializer.Meta):
        fields = [*CardSerializer.Meta.fields, "suspended", "is_leech", "buried_until"]


class BringBackView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        description=(
            f"Put a card out of the queue back in the daily reviews: a leech (forgotten "
            f"{services.LEECH_FAILURES} times) due now, or a card you stopped where it left "
            "off. `reps` is required, the card's as you saw it; sent again, nothing more "
            "changes and the card is returned as the first request left it."
        ),
        request=BringBackSerializer,
        responses={
            200: CardStateSerializer,
            400: OpenApiResponse(description="`reps` missing or not a count."),
            404: OpenApiResponse(description="Not your card."),
            409: OpenApiResponse(
                StaleSerializer, description="Stale: the card was reviewed since you saw it."
            ),
        },
    )
    def post(self, request: AuthedRequest, card_id: int) -> Response:
        """Put a leech or a stopped card back in the daily reviews (see the schema)."""
        body = BringBackSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        card = services.card_bring_back(
            user=request.user, card_id=card_id, reps=body.validated_data["reps"]
        )
        return Response(CardStateSerializer(card).data)


class UndoInSerializer(serializers.Serializer):
    card = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The card of the review to take back. With `reps`, the request's key: "
        "sent twice, the second is refused (409) instead of taking back the review before.",
    )
    reps = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=services.MAX_REPS,
        help_text="The card's `reps` after that review, as the review's answer gave it.",
    )

    def validate(self, data: dict) -> dict:
        if ("card" in data) != ("reps" in data):
            raise serializers.ValidationError("Send both card and reps, or neither.")
        return data


class UndoView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=UndoInSerializer,
        responses={
            200: CardStateSerializer,
            400: OpenApiResponse(
                description="A bad body, or a review recorded before reviews could be undone."
            ),
            409: OpenApiResponse(
                description="Nothing to undo today, that review was undone already, or the "
                "card has been reviewed since."
            ),
        },
    )
    def post(self, request: AuthedRequest) -> Response:
        """Take back your last rating of today (not a quiz answer): the card is as it was
        before it, ready to be reviewed again."""
        body = UndoInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        card = actions.undo_last_review(
            user=request.user,
            now=timezone.now(),
            card_id=body.validated_data.get("card"),
            reps=body.validated_data.get("reps"),
        )
        return Response(CardStateSerializer(card).data)


NOT_YOURS = OpenApiResponse(description="Not your card, or one you may no longer see.")


class SuspendView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: CardStateSerializer, 404: NOT_YOURS})
    def post(self, request: AuthedRequest, card_id: int) -> Response:
        """Stop showing this card, until you bring it back (`unsuspend`). A repeat changes
        nothing."""
        card = actions.card_suspend(user=request.user, card_id=card_id, now=timezone.now())
        return Response(CardStateSerializer(card).data)


class BuryView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: CardStateSerializer, 404: NOT_YOURS})
    def post(self, request: AuthedRequest, card_id: int) -> Response:
        """Not today: the card leaves today's queue until your next day begins (midnight
        in your time zone, `buried_until`)."""
        card = actions.card_bury(user=request.user, card_id=card_id, now=timezone.now())
        return Response(CardStateSerializer(card).data)


class FlagInSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=actions.FLAG_NOTE_MAX,
        help_text="What is wrong with the card, in plain text (optional).",
    )


class FlagSerializer(serializers.ModelSerializer):
    card = serializers.IntegerField(source="card_id")

    class Meta:
        model = CardFlag
        fields = ["id", "card", "note", "created_at", "resolved_at"]


class FlagView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=FlagInSerializer,
        responses={
            201: FlagSerializer,
            200: OpenApiResponse(
                FlagSerializer, description="This card is flagged already: that open flag."
            ),
            400: OpenApiResponse(description="A note over 1000 characters."),
            404: NOT_YOURS,
        },
    )
    def post(self, request: AuthedRequest, card_id: int) -> Response:
        """Tell the editors this card is wrong. One open flag a card: a repeat returns the
        open flag (200) and changes nothing."""
        body = FlagInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        flag, made = actions.card_flag(
            user=request.user,
            card_id=card_id,
            note=body.validated_data.get("note", ""),
            now=timezone.now(),
        )
        return Response(FlagSerializer(flag).data, status=201 if made else 200)


# Under /api/v1/reviews/ (config/api.py includes them).
card_tool_urls = [
    path("undo/", UndoView.as_view(), name="api-review-undo"),
    path("cards/<int:card_id>/suspend/", SuspendView.as_view(), name="api-card-suspend"),
    # Bringing a stopped card back is bringing a leech back: one view, two addresses.
    path("cards/<int:card_id>/unsuspend/", BringBackView.as_view(), name="api-card-unsuspend"),
    path("cards/<int:card_id>/bury/", BuryView.as_view(), name="api-card-bury"),
    path("cards/<int:card_id>/flag/", FlagView.as_view(), name="api-card-flag"),
]
