from dataclasses import dataclass, replace

from django.db import transaction

from .models import ClinicianProfile, User


@dataclass(frozen=True)
class UserDetails:
    """Who a learner is, as they gave it (already validated)."""

    name: str
    role: str
    profession: str = ""
    registration_number: str = ""
    certificate_name: str = ""  # clinicians: their name as it prints on certificates


@transaction.atomic  # all the details or none: a certificate never takes half of them
def user_details_save(*, user: User, details: UserDetails) -> User:
    """Record who a learner is, at sign-up or later on their details page. Clinicians get
    a profile with their registration and their name for certificates (kept, as before,
    if they later say they are not one)."""
    user.name = details.name.strip()
    user.role = details.role
    user.save(update_fields=["name", "role"])
    if user.is_clinician:
        ClinicianProfile.objects.update_or_create(
            user=user,
            defaults={
                "profession": details.profession.strip(),
                "registration_number": details.registration_number.strip(),
                "certificate_name": details.certificate_name.strip(),
            },
        )
        user.refresh_from_db()
    return user


@transaction.atomic
def user_complete_signup(*, user: User, details: UserDetails, time_zone: str) -> User:
    """Record who a new user is and the time zone their days follow. A health
    professional who left the name for certificates blank gets their full name there
    (the sign-up form says so), so that one who gave everything the form asks for needs
    nothing more for a certificate."""
    if not details.certificate_name.strip():
        details = replace(details, certificate_name=details.name)
    user.time_zone = time_zone
    user.save(update_fields=["time_zone"])
    return user_details_save(user=user, details=details)
