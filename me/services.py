"""Changes to the learner's own account that span apps. The pages and the API both
save through `account_update`, so both issue waiting certificates the same way."""

from dataclasses import dataclass, field

from django.db import transaction

from accounts.models import User
from accounts.services import UserDetails, user_details_save
from completion.models import Certificate
from completion.services import certificates_issue_pending
from reviews.services import ReviewSettings, review_settings_save


@dataclass(frozen=True)
class AccountUpdated:
    user: User  # as now stored
    rescheduled: int | None = None  # cards rescheduled for a new retention, if it changed
    certificates: list[Certificate] = field(default_factory=list)  # issued just now


def account_update(
    *,
    user: User,
    details: UserDetails | None = None,
    settings: ReviewSettings | None = None,
) -> AccountUpdated:
    """Save new details and review settings together, all or nothing (a new retention
    reschedules the cards in review). Details given at last issue the certificates that
    waited for them."""
    rescheduled = None
    with transaction.atomic():
        if details is not None:
            user = user_details_save(user=user, details=details)
        if settings is not None:
            rescheduled = review_settings_save(user=user, settings=settings)
    # After the commit: each certificate is issued under its own lock (see
    # completion.services.certificate_issue), so a double save issues one.
    certificates = certificates_issue_pending(user=user) if details is not None else []
    user.refresh_from_db()
    return AccountUpdated(user=user, rescheduled=rescheduled, certificates=certificates)
