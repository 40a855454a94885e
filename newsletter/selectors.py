from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from accounts.models import User
from lib.weeks import as_week, week_of, week_starts, window_start

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


# --- The editors' dashboard ----------------------------------------------------------


@dataclass(frozen=True)
class SubscriberWeek:
    week: date  # the Monday (UTC) of the ISO week
    signed_up: int  # new subscribers (the form, or a learner's one click)
    confirmed: int  # confirmations made this week, whenever the sign-up was
    unsubscribed: int  # unsubscriptions made this week
    signed_up_confirmed: int  # of this week's sign-ups, how many have confirmed by now
    signed_up_bounced: int  # of this week's sign-ups, addresses refused by now

    @property
    def confirmation_percent(self) -> float | None:
        return 100 * self.signed_up_confirmed / self.signed_up if self.signed_up else None


def subscriber_growth(*, now: datetime, weeks: int = 12) -> list[SubscriberWeek]:
    """Sign-ups, confirmations and unsubscriptions per ISO week (UTC), and what became
    of each week's sign-ups. A bounce has no date of its own, so bounced addresses are
    counted in the week they signed up. Three queries, whatever the number of
    subscribers."""
    starts = week_starts(now=now, weeks=weeks)
    since = window_start(starts)

    def per_week(field: str, **counts: Count) -> dict[date, dict]:
        return {
            as_week(row["week"]): row
            for row in Subscriber.objects.filter(**{f"{field}__gte": since, f"{field}__lte": now})
            .annotate(week=week_of(field))
            .values("week")
            .annotate(**counts)
            .order_by()
        }

    signed_up = per_week(
        "created_at",
        n=Count("pk"),
        confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
        bounced=Count("pk", filter=Q(status=Subscriber.Status.BOUNCED)),
    )
    confirmed = per_week("confirmed_at", n=Count("pk"))
    unsubscribed = per_week("unsubscribed_at", n=Count("pk"))
    none = {"n": 0, "confirmed": 0, "bounced": 0}
    return [
        SubscriberWeek(
            week=week,
            signed_up=(joined := signed_up.get(week, none))["n"],
            confirmed=confirmed.get(week, none)["n"],
            unsubscribed=unsubscribed.get(week, none)["n"],
            signed_up_confirmed=joined["confirmed"],
            signed_up_bounced=joined["bounced"],
        )
        for week in starts
    ]
