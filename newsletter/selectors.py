from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from accounts.models import User

from .models import Subscriber
from .services import link_token


@dataclass
class OneClick:
    """What the footer offers a signed-in learner: subscribe their own address, or where
    their subscription stands."""

    email: str
    status: str  # "none", or the subscriber's status
    preferences_url: str = ""

    @property
    def subscribed(self) -> bool:
        return self.status == Subscriber.Status.ACTIVE

    @property
    def pending(self) -> bool:
        return self.status == Subscriber.Status.PENDING

    @property
    def email_breakable(self) -> SafeString:
        # A long address may break before its @ rather than push the page sideways.
        local, _, domain = self.email.rpartition("@")
        return format_html("{}<wbr>@{}", local, domain) if local else format_html("{}", domain)


def one_click_for(user: User) -> OneClick:
    """One query: the subscription under the learner's address, if any."""
    email = user.email.lower()
    subscriber = Subscriber.objects.filter(email=email).first()
    if subscriber is None:
        return OneClick(email=email, status="none")
    url = ""
    if subscriber.status == Subscriber.Status.ACTIVE:
        url = reverse("newsletter:preferences", args=[link_token(subscriber)])
    return OneClick(email=email, status=subscriber.status, preferences_url=url)
