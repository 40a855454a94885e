"""Changes to the learner's own account that span apps."""

from django.db import transaction

from accounts.models import User
from accounts.services import UserDetails, user_details_save
from completion.services import certificates_issue_pending
from reviews.services import ReviewSettings, review_settings_save


def account_update(
    *,
    user: User,
    details: UserDetails | None = None,
    settings: ReviewSettings | None = None,
) -> User:
    """Save new details and review settings together, all or nothing (a new retention
    reschedules the cards in review). Details given at last issue the certificates that
    waited for them. Returns the user as now stored."""
    with transaction.atomic():
        if details is not None:
            user = user_details_save(user=user, details=details)
        if settings is not None:
            review_settings_save(user=user, settings=settings)
    if details is not None:
        certificates_issue_pending(user=user)
    user.refresh_from_db()
    return user
