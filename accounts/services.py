from dataclasses import dataclass

from django.db import transaction

from .models import ClinicianProfile, User


@transaction.atomic
def user_complete_signup(
    *, user: User, name: str, role: str, profession: str = "", registration_number: str = ""
) -> User:
    """Record who a new user is. Clinicians get a profile with their registration."""
    user.name = name.strip()
    user.role = role
    user.save(update_fields=["name", "role"])
    if role == User.Role.CLINICIAN:
        ClinicianProfile.objects.update_or_create(
            user=user,
            defaults={
                "profession": profession.strip(),
                "registration_number": registration_number.strip(),
            },
        )
    return user


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
    """Change a learner's details later: those given at sign-up, and a clinician's name
    for certificates."""
    user = user_complete_signup(
        user=user,
        name=details.name,
        role=details.role,
        profession=details.profession,
        registration_number=details.registration_number,
    )
    if user.is_clinician:
        ClinicianProfile.objects.filter(user=user).update(
            certificate_name=details.certificate_name.strip()
        )
        user.refresh_from_db()
    return user
