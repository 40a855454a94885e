"""API v1 for accounts: the token exchange (the learner's own account is in me.api)."""

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from .tokens import ExpiringTokenAuthentication, token_expires_at, token_issue


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.EmailField(max_length=254, help_text="Your email address.")
    password = serializers.CharField(trim_whitespace=False, max_length=4096)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires = serializers.DateTimeField(help_text="When the token stops working.")


class ObtainToken(APIView):
    """Exchange email (as `username`) and password for an API token (POST), or revoke
    the token this request is made with (DELETE).

    The same checks as the sign-in page: allauth's limits on failed attempts (per
    address and per account), and a confirmed email address. Throttled besides. A token
    lasts API_TOKEN_TTL_DAYS, and changing or resetting the password ends it."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"
    # A sign-in form may post here as well as a JSON client.
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def _revoking(self) -> bool:
        # The method is needed before DRF builds its request (which authenticates);
        # the schema generator sets a request of its own instead.
        request = getattr(self, "request", None)
        method = getattr(self, "_method", None) or getattr(request, "method", None)
        return method == "DELETE"

    def get_authenticators(self):
        # Asking for a token reads no credentials, so a stale or expired token left in
        # a client's headers cannot stand in the way of a new one. Revoking needs the
        # token it revokes.
        return [ExpiringTokenAuthentication()] if self._revoking() else []

    def get_permissions(self):
        return [IsAuthenticated()] if self._revoking() else super().get_permissions()

    def initialize_request(self, request, *args, **kwargs):
        self._method = request.method
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="Wrong email or password."),
            403: OpenApiResponse(description="The email address is not confirmed yet."),
            429: OpenApiResponse(description="Too many failed attempts: wait and try again."),
        },
    )
    def post(self, request: Request) -> Response:
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        email = body.validated_data["username"].lower()
        try:
            user = get_adapter(request._request).authenticate(
                request._request, email=email, password=body.validated_data["password"]
            )
        except ValidationError:
            raise Throttled(
                detail="Too many failed attempts to sign in. Please wait a few minutes."
            ) from None
        if user is None:
            raise exceptions.ValidationError(
                {"detail": "Unable to sign in with that email address and password."}
            )
        if not EmailAddress.objects.filter(user=user, verified=True).exists():
            raise exceptions.PermissionDenied(
                "Confirm your email address first: follow the link in the email we sent you."
            )
        token = token_issue(user=user)
        answer = {"token": token.key, "expires": token_expires_at(token)}
        return Response(TokenSerializer(answer).data)

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description="The token is revoked."),
            401: OpenApiResponse(description="No token, or an unknown or expired one."),
        },
    )
    def delete(self, request: Request) -> Response:
        """Revoke the token this request is made with (sign out an API client)."""
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
