"""API tokens: issued by the token exchange, refused once they expire, revoked on request
and whenever the password changes.

DRF's own Token, with an expiry checked here, rather than django-rest-knox: one token
per learner is what the API has always given (the README's clients keep working), the
table and the admin are already there, and expiry plus revocation is a dozen lines we can
read. Knox would bring hashed keys and per-device tokens, at the price of a new
dependency, a new token format and a migration of every client; if we ever need several
devices per learner, that is the time to move.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from .models import User


def token_expires_at(token: Token) -> datetime:
    return token.created + timedelta(days=settings.API_TOKEN_TTL_DAYS)


def token_issue(*, user: User, now: datetime | None = None) -> Token:
    """The learner's token, a new one if they had none or theirs has expired."""
    now = now or timezone.now()
    token = Token.objects.filter(user=user).first()
    if token is not None and token_expires_at(token) > now:
        return token
    Token.objects.filter(user=user).delete()
    token, _ = Token.objects.get_or_create(user=user)
    return token


def tokens_revoke(*, user: User) -> int:
    """End every API token the user holds. Returns how many there were."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return deleted


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, with an end: a token older than API_TOKEN_TTL_DAYS is
    refused with 401 and deleted, and the client asks for a new one."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expires_at(token) <= timezone.now():
            token.delete()
            raise exceptions.AuthenticationFailed(
                "This token has expired. Sign in again for a new one (POST /api/v1/auth/token/)."
            )
        return user, token


def remember_password_hash(sender: type[User], instance: User, **kwargs: Any) -> None:
    """post_init: the stored hash as loaded, to compare with on save (no query; a
    deferred password field stays deferred)."""
    instance._stored_password = instance.__dict__.get("password")


def note_password_change(
    sender: type[User], instance: User, raw: bool = False, **kwargs: Any
) -> None:
    """pre_save on the user: does this save change the password?

    Hooked to the model rather than to allauth's password_changed / password_reset
    signals, because those only fire on allauth's pages: the admin's "change password"
    form, `manage.py changepassword`, set_unusable_password() and any service calling
    set_password() go straight to save(). Every one of them changes the stored hash.
    Django also re-hashes a password on sign-in when the hasher's parameters change;
    that changes the hash but not the password, so when set_password() left the new raw
    password, it is checked against the old hash, and a re-hash keeps the tokens."""
    if raw or instance.pk is None:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "password" not in update_fields:
        return
    new_raw = getattr(instance, "_password", None)
    old_hash = getattr(instance, "_stored_password", None)
    if old_hash is None:
        if new_raw is None:
            return  # loaded without its password and not given a new one
        old_hash = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if old_hash is None or old_hash == instance.password:
        return
    if new_raw is not None and old_hash and check_password(new_raw, old_hash):
        return  # the same password, hashed anew
    instance._revoke_api_tokens = True


def revoke_tokens_after_password_change(
    sender: type[User], instance: User, raw: bool = False, **kwargs: Any
) -> None:
    """post_save: the new password is stored, so end the tokens issued under the old one.
    After the save, so that a save that fails leaves the tokens as they were."""
    instance._stored_password = instance.__dict__.get("password")
    if getattr(instance, "_revoke_api_tokens", False):
        instance._revoke_api_tokens = False
        tokens_revoke(user=instance)
