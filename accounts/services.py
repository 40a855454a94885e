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
