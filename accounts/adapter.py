from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage

from outbox import emails
from outbox.services import email_record


class AccountAdapter(DefaultAccountAdapter):
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
            subject_prefix=self.format_email_subject(""),  # "[Buttock nerve pain] "
            headers=headers,
            request=allauth_context.request,
        )

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # As allauth's own send_mail, except the last step: instead of talking to the
        # mail server inside the request, record the message and let a worker send it,
        # so a slow or absent mail server never holds up (or loses) a sign-up.
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        email_record(self.render_mail(template_prefix, email, ctx))
