"""API v1 for accounts: the token exchange, and the signed-in learner's own account:
details and settings (validated by the same forms as the pages), pausing reminders, a
copy of their data, and deletion."""

from decimal import Decimal

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from lib.timezones import validate_time_zone
from reviews.forms import ReviewSettingsForm

from .data import DeletionRefused, user_delete, user_export
from .forms import AccountDeleteForm, ProfileForm, password_guess_allowed
from .models import User
from .tokens import ExpiringTokenAuthentication, token_expires_at, token_issue

PROFILE_FIELDS = ("name", "role", "profession", "registration_number", "certificate_name")
SETTINGS_FIELDS = (
    "desired_retention",
    "new_cards_per_day",
    "time_zone",
    "reminders_enabled",
    "reminder_hour",
    "weekdays",
)


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
        body = {"token": token.key, "expires": token_expires_at(token)}
        return Response(TokenSerializer(body).data)

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


class TextField(serializers.CharField):
    """Text, and only text: DRF's CharField would take 5 or 1.5 and store "5"."""

    default_error_messages = {"invalid": "Not valid text: send a string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class MeSerializer(serializers.Serializer):
    """The learner's details and settings. A PATCH is checked here first, field by field
    (types, bounds, lengths), so that only well-formed values reach the forms and
    services, which then apply the rules that span fields (a clinician's registration,
    at least one reminder day)."""

    email = serializers.EmailField(read_only=True)
    name = TextField(required=False, allow_blank=True, max_length=150)
    role = serializers.ChoiceField(choices=User.Role.choices, required=False)
    profession = TextField(required=False, allow_blank=True, max_length=100)
    registration_number = TextField(required=False, allow_blank=True, max_length=50)
    certificate_name = TextField(required=False, allow_blank=True, max_length=150)
    desired_retention = serializers.DecimalField(
        max_digits=3,
        decimal_places=2,
        min_value=Decimal("0.80"),
        max_value=Decimal("0.97"),
        required=False,
        help_text="0.80 to 0.97.",
    )
    new_cards_per_day = serializers.IntegerField(
        required=False, min_value=0, max_value=200, help_text="0 to 200."
    )
    time_zone = TextField(
        required=False,
        max_length=64,
        validators=[validate_time_zone],
        help_text="An IANA zone, e.g. Europe/London.",
    )
    reminders_enabled = serializers.BooleanField(required=False)
    reminder_hour = serializers.IntegerField(
        required=False, min_value=7, max_value=21, help_text="Local hour, 7 to 21."
    )
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        required=False,
        max_length=7,
        help_text="Reminder days, 0 = Monday to 6 = Sunday.",
    )
    reminders_paused_until = serializers.DateTimeField(read_only=True, allow_null=True)


def me_data(user: User) -> dict:
    profile = getattr(user, "clinician_profile", None)
    return {
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "profession": profile.profession if profile else "",
        "registration_number": profile.registration_number if profile else "",
        "certificate_name": profile.certificate_name if profile else "",
        "desired_retention": user.desired_retention,
        "new_cards_per_day": user.new_cards_per_day,
        "time_zone": user.time_zone,
        "reminders_enabled": user.reminders_enabled,
        "reminder_hour": user.reminder_hour,
        "weekdays": user.reminder_days,
        "reminders_paused_until": user.reminders_paused_until,
    }


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        """Your details and your review and reminder settings."""
        return Response(MeSerializer(me_data(request.user)).data)

    @extend_schema(
        request=MeSerializer,
        responses={200: MeSerializer, 400: OpenApiResponse(description="What is wrong, by field.")},
    )
    def patch(self, request: Request) -> Response:
        """Change any of your details or settings; the rest stay as they are. The same
        rules as the pages apply (health professionals give a profession and registration
        number; retention 0.80–0.97; a known time zone; ...). A new retention
        reschedules the cards you are reviewing."""
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError({"detail": "Send a JSON object of fields."})
        unknown = sorted(set(request.data) - {*PROFILE_FIELDS, *SETTINGS_FIELDS})
        if unknown:
            raise exceptions.ValidationError(
                {"detail": f"Unknown or read-only field(s): {', '.join(unknown)}."}
            )
        # Types and bounds first, field by field; the forms then see only well-formed
        # values, and check the rest (the fields that failed here keep their current
        # value there), so that one answer names every field that is wrong.
        body = MeSerializer(data=request.data, partial=True)
        errors = {}
        if not body.is_valid():
            errors = dict(body.errors)
            body = MeSerializer(
                data={f: v for f, v in request.data.items() if f not in errors}, partial=True
            )
            body.is_valid(raise_exception=True)
        changes = body.validated_data
        user, current = request.user, me_data(request.user)
        forms = []
        if any(f in changes for f in PROFILE_FIELDS):
            data = {f: changes.get(f, current[f]) for f in PROFILE_FIELDS}
            forms.append(ProfileForm(data=data))
        if any(f in changes for f in SETTINGS_FIELDS):
            data = {f: changes.get(f, current[f]) for f in SETTINGS_FIELDS}
            data["weekdays"] = [str(d) for d in data["weekdays"]]
            forms.append(ReviewSettingsForm(data=data, instance=user))
        for form in forms:
            if not form.is_valid():
                errors = {field: list(messages) for field, messages in form.errors.items()} | errors
        if errors:
            raise exceptions.ValidationError(errors)
        from reviews.services import review_settings_save

        with transaction.atomic():
            for form in forms:
                if isinstance(form, ProfileForm):
                    form.save(user)
                else:
                    review_settings_save(form=form)
        if any(isinstance(form, ProfileForm) for form in forms):
            from course.completion import certificates_issue_pending

            # Details given at last: issue the certificates that waited for them.
            certificates_issue_pending(user=user)
        user.refresh_from_db()
        return Response(MeSerializer(me_data(user)).data)


class PauseSerializer(serializers.Serializer):
    resume = serializers.BooleanField(
        default=False, help_text="true ends a pause; otherwise reminders pause for a week."
    )


class PauseRemindersView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=PauseSerializer, responses=MeSerializer)
    def post(self, request: Request) -> Response:
        """Pause review reminders for a week, or turn them back on."""
        from reminders.services import reminders_pause

        body = PauseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reminders_pause(user=request.user, now=timezone.now(), resume=body.validated_data["resume"])
        return Response(MeSerializer(me_data(request.user)).data)


class ExportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: OpenApiResponse(description="Everything we hold about you.")})
    def get(self, request: Request) -> Response:
        """A copy of everything the platform holds about you."""
        return Response(user_export(user=request.user))


class DeleteSerializer(serializers.Serializer):
    password = serializers.CharField(
        help_text="Your password, to confirm.", trim_whitespace=False, max_length=4096
    )


class DeleteView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=DeleteSerializer,
        responses={
            204: OpenApiResponse(description="Deleted, with everything attached."),
            400: OpenApiResponse(description="Wrong password, or an editor's account."),
            429: OpenApiResponse(description="Too many wrong passwords: wait a minute."),
        },
    )
    def post(self, request: Request) -> Response:
        """Delete your account and everything in it (certificates then no longer verify)."""
        body = DeleteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not password_guess_allowed(request._request):
            raise Throttled(detail="Too many attempts. Please wait a minute and try again.")
        form = AccountDeleteForm(request.user, data=body.validated_data)
        if not form.is_valid():
            raise exceptions.ValidationError({"password": form.errors["password"]})
        try:
            user_delete(user=request.user)
        except DeletionRefused as exc:
            raise exceptions.ValidationError({"detail": str(exc)}) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)
