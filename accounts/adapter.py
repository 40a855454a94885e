from allauth.account.adapter import DefaultAccountAdapter

from outbox.services import email_record


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # allauth renders the message in the request; we record it and let a worker
        # send it, so a slow or absent mail server never holds up (or loses) a sign-up.
        message = self.render_mail(template_prefix, email, context)
        email_record(message)
