"""API v1 for reviews: the due queue, answering or rating a card, and statistics."""

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .models import Card, Rating


class CardSerializer(serializers.ModelSerializer):
    lesson = serializers.SerializerMethodField()
    question = serializers.SerializerMethodField()

    class Meta:
        model = Card
        fields = ["id", "kind", "due", "state", "reps", "front", "lesson", "question"]

    def get_lesson(self, card) -> str | None:
        return card.lesson.get_absolute_url() if card.lesson_id else None

    def get_question(self, card) -> dict | None:
        """A quiz card's question with its options in a new order, without answers."""
        if card.kind != Card.Kind.QUESTION:
            return None
        question = card.question
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
    reviews_due = serializers.IntegerField()
    new_available = serializers.IntegerField()
    reviewed_today = serializers.IntegerField()
    next = CardSerializer(source="card", allow_null=True)


class ReviewInSerializer(serializers.Serializer):
    rating = serializers.IntegerField(
        required=False,
        help_text="1 Again, 2 Hard, 3 Good, 4 Easy. Key points: required. "
        "Quiz cards: optional when the answer is right (default Good).",
    )
    choices = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Quiz cards: the chosen option ids.",
    )
    reps = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The card's `reps` as you saw it: a retry of a recorded review then answers 409.",
    )
    early = serializers.BooleanField(default=False, help_text="Review a card not yet due.")
    duration_ms = serializers.IntegerField(required=False, min_value=0, max_value=3_600_000)

    def validate_rating(self, value: int) -> int:
        if value not in Rating.values:
            raise serializers.ValidationError(
                "The rating must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)."
            )
        return value


class ReviewOutSerializer(serializers.Serializer):
    card = serializers.IntegerField(source="card.pk")
    rating = serializers.IntegerField(source="log.rating")
    correct = serializers.BooleanField(allow_null=True)
    state = serializers.IntegerField(source="card.state")
    next_due = serializers.DateTimeField(source="card.due")
    reps = serializers.IntegerField(source="card.reps")
    leech = serializers.BooleanField(source="card.is_leech")


class DueView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=QueueSerializer)
    def get(self, request: Request) -> Response:
        """Counts for today and the next card to review."""
        return Response(QueueSerializer(selectors.due_queue(request.user)).data)


class ReviewView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ReviewInSerializer,
        responses={
            200: ReviewOutSerializer,
            400: OpenApiResponse(description="Bad rating, answer or body; or not due yet."),
            404: OpenApiResponse(description="Not your card."),
            409: OpenApiResponse(description="Already recorded."),
        },
    )
    def post(self, request: Request, card_id: int) -> Response:
        """Answer a quiz card or rate a key-point card; returns when it comes back."""
        body = ReviewInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            result = services.review_record(
                user=request.user,
                card_id=card_id,
                rating=data.get("rating"),
                choices=data.get("choices"),
                expected_reps=data.get("reps"),
                early=data["early"],
                duration_ms=data.get("duration_ms"),
            )
        except services.ReviewError as exc:
            if exc.status == 404:
                raise Http404 from exc
            if exc.status == 409:
                return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
            raise exceptions.ValidationError({"detail": exc.message}) from exc
        return Response(ReviewOutSerializer(result).data)


class StatsSerializer(serializers.Serializer):
    forecast = serializers.ListField(child=serializers.DictField())
    reviews_per_day = serializers.ListField(child=serializers.DictField())
    streak = serializers.IntegerField()
    retention = serializers.ListField(child=serializers.DictField())
    leeches = serializers.IntegerField()


class StatsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=StatsSerializer)
    def get(self, request: Request) -> Response:
        """Forecast for 14 days, reviews per day, streak, retention by module, leeches."""
        user = request.user
        per_day = selectors.reviews_per_day(user)
        forecast = selectors.forecast(user)
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
            }
        )


class BringBackView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={200: CardSerializer, 404: OpenApiResponse(description="Not your card.")},
    )
    def post(self, request: Request, card_id: int) -> Response:
        """Put a leech (a card forgotten 8 times) back in the daily reviews, due now."""
        try:
            card = services.card_bring_back(user=request.user, card_id=card_id)
        except services.ReviewError as exc:
            raise Http404 from exc
        return Response(CardSerializer(card).data)
