"""API v1 for the signed-in learner's own account: details and settings (validated by
the same forms as the pages), pausing reminders, a copy of their data, and deletion."""

from decimal import Decimal

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.forms import AccountDeleteForm, ProfileForm, password_guess_allowed
from accounts.models import User
from accounts.services import UserDetails
from accounts.types import AuthedRequest
from lib.timezones import validate_time_zone
from reminders.services import reminders_pause
from reviews.forms import ReviewSettingsForm
from reviews.services import ReviewSettings

from .data import user_delete, user_export
from .services import account_update

PROFILE_FIELDS = ("name", "role", "profession", "registration_number", "certificate_name")
SETTINGS_FIELDS = (
    "desired_retention",
    "new_cards_per_day",
    "time_zone",
    "reminders_enabled",
    "reminder_hour",
    "weekdays",
    "reminder_mode",
    "max_reviews_per_day",
    "light_days",
)


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
    reminder_mode = serializers.ChoiceField(
        choices=User.ReminderMode.choices,
        required=False,
        help_text="clock: at your hour, on days you have reviews due; recall: only when "
        "a card you have learned fades below your desired retention.",
    )
    max_reviews_per_day = serializers.IntegerField(
        required=False,
        min_value=10,
        max_value=2000,
        help_text="10 to 2000: the most reviews a day's session serves.",
    )
    light_days = serializers.BooleanField(
        required=False, help_text="Keep the days without reminders light."
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
        "reminder_mode": user.reminder_mode,
        "max_reviews_per_day": user.max_reviews_per_day,
        "light_days": user.light_days,
        "reminders_paused_until": user.reminders_paused_until,
    }


def validated_changes(user: User, data: object) -> tuple[UserDetails | None, ReviewSettings | None]:
    """The changes a PATCH asks for, checked, as the services take them (None for a part
    left alone); or a ValidationError that names every field that is wrong."""
    if not isinstance(data, dict):
        raise exceptions.ValidationError({"detail": "Send a JSON object of fields."})
    unknown = sorted(set(data) - {*PROFILE_FIELDS, *SETTINGS_FIELDS})
    if unknown:
        raise exceptions.ValidationError(
            {"detail": f"Unknown or read-only field(s): {', '.join(unknown)}."}
        )
    # Types and bounds first, field by field; the forms then see only well-formed
    # values, and check the rest (the fields that failed here keep their current
    # value there), so that one answer names every field that is wrong.
    body = MeSerializer(data=data, partial=True)
    errors = {}
    if not body.is_valid():
        errors = dict(body.errors)
        body = MeSerializer(data={f: v for f, v in data.items() if f not in errors}, partial=True)
        body.is_valid(raise_exception=True)
    changes, current = body.validated_data, me_data(user)
    profile_form = settings_form = None
    if any(f in changes for f in PROFILE_FIELDS):
        profile_form = ProfileForm(data={f: changes.get(f, current[f]) for f in PROFILE_FIELDS})
    if any(f in changes for f in SETTINGS_FIELDS):
        values = {f: changes.get(f, current[f]) for f in SETTINGS_FIELDS}
        values["weekdays"] = [str(d) for d in values["weekdays"]]
        settings_form = ReviewSettingsForm(data=values, instance=user)
    for form in (profile_form, settings_form):
        if form is not None and not form.is_valid():
            errors = {field: list(messages) for field, messages in form.errors.items()} | errors
    if errors:
        raise exceptions.ValidationError(errors)
    return (
        profile_form.details() if profile_form else None,
        settings_form.settings() if settings_form else None,
    )


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request: AuthedRequest) -> Response:
        """Your details and your review and reminder settings."""
        return Response(MeSerializer(me_data(request.user)).data)

    @extend_schema(
        request=MeSerializer,
        responses={200: MeSerializer, 400: OpenApiResponse(description="What is wrong, by field.")},
    )
    def patch(self, request: AuthedRequest) -> Response:
        """Change any of your details or settings; the rest stay as they are. The same
        rules as the pages apply (health professionals give a profession and registration
        number; retention 0.80–0.97; a known time zone; ...). A new retention
        reschedules the cards you are reviewing."""
        details, settings = validated_changes(request.user, request.data)
        user = account_update(user=request.user, details=details, settings=settings).user
        return Response(MeSerializer(me_data(user)).data)


class PauseSerializer(serializers.Serializer):
    resume = serializers.BooleanField(
        default=False, help_text="true ends a pause; otherwise reminders pause for a week."
    )


class PauseRemindersView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=PauseSerializer, responses=MeSerializer)
    def post(self, request: AuthedRequest) -> Response:
        """Pause review reminders for a week, or turn them back on."""
        body = PauseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reminders_pause(user=request.user, now=timezone.now(), resume=body.validated_data["resume"])
        return Response(MeSerializer(me_data(request.user)).data)


class ExportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: OpenApiResponse(description="Everything we hold about you.")})
    def get(self, request: AuthedRequest) -> Response:
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
    def post(self, request: AuthedRequest) -> Response:
        """Delete your account and everything in it (certificates then no longer verify)."""
        body = DeleteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not password_guess_allowed(request._request):
            raise Throttled(detail="Too many attempts. Please wait a minute and try again.")
        form = AccountDeleteForm(request.user, data=body.validated_data)
        if not form.is_valid():
            # An ErrorList is a list of the messages, which DRF lists as they are.
            raise exceptions.ValidationError({"password": form.errors["password"]})  # type: ignore[dict-item]
        user_delete(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
