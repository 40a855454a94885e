from allauth.account.models import EmailAddress

from .models import User


def email_verified(user: User) -> bool:
    """Has the user proven they receive mail at their account's address (allauth's
    confirmation link, followed)?"""
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
