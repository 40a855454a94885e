from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.types import AuthedRequest
from lib.limits import client_ip

from . import services
from .models import Subscriber

ANSWER = (
    "If that address can receive the newsletter, an email is on its way with a link "
    "to confirm. Nothing is sent until it is confirmed."
)


@extend_schema_field({"type": "boolean", "enum": [True]})
class ConsentField(serializers.BooleanField):
    """A yes/no field whose only acceptable answer is yes, and the schema says so."""


class SubscribeSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    health_professional = serializers.BooleanField(default=False)
    consent = ConsentField(
        help_text="Must be true: the subscriber agrees to the consent wording shown with the form."
    )

    def validate_consent(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError("Consent is needed to send the newsletter.")
        return value


class AnswerSerializer(serializers.Serializer):
    detail = serializers.CharField()


class SubscribeView(APIView):
    """Start a double opt-in newsletter sign-up. The answer is the same whether or not
    the address is already subscribed. Throttled."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "newsletter"

    @extend_schema(request=SubscribeSerializer, responses={202: AnswerSerializer})
    def post(self, request: Request) -> Response:
        body = SubscribeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.subscribe(
            email=body.validated_data["email"],
            health_professional=body.validated_data["health_professional"],
            source="api",
            ip=client_ip(request),
        )
        return Response({"detail": ANSWER}, status=status.HTTP_202_ACCEPTED)


class SubscribeMeView(APIView):
    """A signed-in learner subscribes their own address in one step: at once if the
    account's address is confirmed, otherwise a confirmation email goes out."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: AnswerSerializer})
    def post(self, request: AuthedRequest) -> Response:
        subscriber = services.subscribe_signed_in(user=request.user, source="api")
        if subscriber.status == Subscriber.Status.ACTIVE:
            return Response({"detail": f"{subscriber.email} is subscribed to the newsletter."})
        return Response({"detail": f"We have emailed {subscriber.email} a link to confirm."})
