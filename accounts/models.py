from decimal import Decimal
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from lib.timezones import validate_time_zone, zone_or_utc


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.CLINICIAN)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A learner or an editor. People sign in with their email address."""

    class Role(models.TextChoices):
        PATIENT = "patient", "Patient or member of the public"
        CLINICIAN = "clinician", "Health professional"

    email = models.EmailField("email address", unique=True)
    name = models.CharField("name", max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PATIENT)
    # Review settings: how much the learner wants to remember, and how fast to add cards.
    desired_retention = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.90"),
        validators=[MinValueValidator(Decimal("0.80")), MaxValueValidator(Decimal("0.97"))],
        help_text="The share of cards you want to still remember when they come back (0.80–0.97).",
    )
    new_cards_per_day = models.PositiveSmallIntegerField(
        # Ten: a clinician who finishes the course in a day meets its key points over a
        # week beside the reviews of their quiz answers, not all at once.
        default=10,
        validators=[MaxValueValidator(200)],
        help_text="How many new cards a day's review may introduce.",
    )
    max_reviews_per_day = models.PositiveSmallIntegerField(
        default=200,
        validators=[MinValueValidator(10), MaxValueValidator(2000)],
        help_text="The most reviews a day's session serves: after a break, the backlog "
        "comes back over several days, the cards you are most likely to have forgotten first.",
    )
    light_days = models.BooleanField(
        default=False,
        help_text="Keep the days you have no reminder light: reviews are moved off them "
        "where the schedule allows.",
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="Your days (and daily limits) follow this zone.",
    )
    # Review reminders: whether, at what local hour, on which weekdays (bit 0 = Monday).
    reminders_enabled = models.BooleanField(default=True)
    reminder_hour = models.PositiveSmallIntegerField(
        default=18,
        validators=[MinValueValidator(7), MaxValueValidator(21)],
        help_text="Local hour (7–21): reminders never come between 22:00 and 07:00.",
    )
    reminder_weekdays = models.PositiveSmallIntegerField(default=0b1111111)

    class ReminderMode(models.TextChoices):
        CLOCK = "clock", "At my hour, on days I have reviews due"
        RECALL = "recall", "When my recall would drop below my desired retention"

    reminder_mode = models.CharField(
        max_length=10, choices=ReminderMode.choices, default=ReminderMode.CLOCK
    )
    reminders_paused_until = models.DateTimeField(null=True, blank=True)
    email_bounced_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the mail server refused the address for good."
    )
    # For the weekly back-off: consecutive reminders with no review since.
    reminders_unanswered = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    is_staff = models.BooleanField(
        default=False, help_text="Staff can sign in to the admin and see drafts."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # Kept by accounts.tokens' signal receivers: the password hash as loaded, and whether
    # the save under way changes the password (and so ends the learner's API tokens).
    _stored_password: str | None
    _revoke_api_tokens: bool = False

    class Meta:
        verbose_name = "user"
        verbose_name_plural = "users"

    def __str__(self) -> str:
        return self.email

    @property
    def is_clinician(self) -> bool:
        return self.role == self.Role.CLINICIAN

    @property
    def reminder_days(self) -> list[int]:
        """The weekdays reminders may come on, 0 = Monday (from the bit mask)."""
        return [i for i in range(7) if self.reminder_weekdays & (1 << i)]

    @property
    def zone(self) -> ZoneInfo:
        """The learner's zone; UTC if the stored name is not a known zone (one saved
        before names were validated), so that no page or task fails on it."""
        return zone_or_utc(self.time_zone)

    def get_short_name(self) -> str:
        return self.name or self.email.split("@")[0]


class ClinicianProfile(models.Model):
    """What a health professional tells us about their practice (and, later, what their
    CPD certificate carries)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="clinician_profile")
    profession = models.CharField(max_length=100)
    registration_number = models.CharField(
        max_length=50, help_text="Your number with your professional regulator."
    )
    certificate_name = models.CharField(
        max_length=150,
        blank=True,
        help_text="Your name exactly as it should appear on certificates.",
    )

    def __str__(self) -> str:
        return f"{self.profession} ({self.registration_number})"
