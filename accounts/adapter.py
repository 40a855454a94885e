from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.http import HttpRequest

from lib.urls import absolute_link, absolute_url
from outbox import emails
from outbox.services import email_record


def _on_site_url(value: Any, hosts: set[str]) -> Any:
    """An address allauth built for its email (confirmation, password reset, sign-up)
    from the request's Host header, moved to the site's public address: a forged Host
    must not put another domain into a password link, and every email links to
    SITE_URL. Anything else passes as it is."""
    if not isinstance(value, str):
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or parts.netloc not in hosts:
        return value
    return absolute_link(parts._replace(scheme="", netloc="").geturl())


class AccountAdapter(DefaultAccountAdapter):
    # allauth's messages, in the site's plain wording.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": "This account is not active. Please contact us if you think "
        "that is wrong.",
        "cannot_remove_primary_email": "You cannot remove your main email address. Make "
        "another address your main one first.",
        "duplicate_email": "This email address is already on your account.",
        "email_password_mismatch": "That email address and password do not match an "
        "account. Please check them and try again.",
        "email_taken": "An account already uses this email address. Sign in, or reset "
        "your password if you have forgotten it.",
        "enter_current_password": "Please type your current password.",
        "incorrect_password": "That password is not right. Please try again.",
        "invalid_password_reset": "This password reset link is not valid any more.",
        "max_email_addresses": "You cannot add more than %d email addresses.",
        "too_many_login_attempts": "Too many attempts to sign in. Please wait a few "
        "minutes, then try again.",
        "unknown_email": "We have no account with this email address.",
        "unverified_primary_email": "Please confirm your main email address first.",
        "rate_limited": "Too many requests in a short time. Please wait a few minutes, "
        "then try again.",
        "same_as_current": "This is the same as the one you have now.",
    }

    def clean_email(self, email: str) -> str:
        # Mail cannot carry a longer address (RFC 5321), and the column holds 254.
        if len(email) > 254:
            raise ValidationError("An email address cannot be longer than 254 characters.")
        return super().clean_email(email)

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict,
        headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        # allauth's templates and names (account/email/<name>_subject.txt, ...), built by
        # the platform's one email module like every other email.
        return emails.account(
            template_prefix,
            email,
            context,
            subject_prefix=self.format_email_subject(""),
            headers=headers,
            request=allauth_context.request,
        )

    def format_email_subject(self, subject: str) -> str:
        # No "[site]" prefix: allauth's subjects read like the platform's own (plain
        # sentences, templates/account/email/*_subject.txt); the sender's name says who.
        return subject

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # As allauth's own send_mail, except the last step: instead of talking to the
        # mail server inside the request, record the message and let a worker send it,
        # so a slow or absent mail server never holds up (or loses) a sign-up.
        request = allauth_context.request
        site = get_current_site(request)
        ctx = {
            "request": request,
            "email": email,
            "current_site": site,
            "site_url": absolute_url("/"),
        }
        hosts = {site.domain, *self._request_hosts(request)}
        ctx.update({key: _on_site_url(value, hosts) for key, value in context.items()})
        email_record(self.render_mail(template_prefix, email, ctx))

    @staticmethod
    def _request_hosts(request: HttpRequest | None) -> list[str]:
        if request is None:
            return []
        try:
            return [request.get_host()]
        except ValidationError:  # DisallowedHost: allauth would not have built a link on it
            return []
