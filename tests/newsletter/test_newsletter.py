"""Double opt-in, links, throttling, segments and exactly-once delivery."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from newsletter import services, tasks
from newsletter.models import Delivery, Issue, Subscriber
from outbox import tasks as outbox_tasks
from outbox.models import OutboundEmail
from tests.factories import ClinicianFactory, StaffFactory

pytestmark = pytest.mark.django_db

FORM = {"email": "reader@example.org", "consent": "on", "health_professional": "on"}


@pytest.fixture(autouse=True)
def _commits(on_commit):
    global committing
    committing = on_commit


def sign_up(client, **changes):
    with committing():
        return client.post("/newsletter/", {**FORM, **changes})


def link(message, name: str) -> str:
    return re.search(rf"https?://[^/\s]+(/newsletter/{name}/[^\s\"]+/)", message.body).group(1)


def test_double_opt_in_from_the_footer_form(client):
    page = client.get("/").content.decode()
    assert 'action="/newsletter/"' in page and "I am a health professional" in page
    assert sign_up(client).url == "/newsletter/check-your-inbox/"
    subscriber = Subscriber.objects.get()
    assert subscriber.status == "pending" and subscriber.is_health_professional
    assert "once a month" in subscriber.consent_text and subscriber.consent_at
    assert len(mail.outbox) == 1 and "confirm" in mail.outbox[0].subject.lower()
    confirm = link(mail.outbox[0], "confirm")
    assert client.get(confirm).status_code == 200  # asks; a link scanner changes nothing
    assert Subscriber.objects.get().status == "pending"
    assert "You are subscribed" in client.post(confirm).content.decode()
    assert Subscriber.objects.get().status == "active"


def test_same_answer_whether_or_not_already_subscribed(client):
    first = sign_up(client)
    client.post(link(mail.outbox[0], "confirm"))
    again = sign_up(client)
    assert first.url == again.url == "/newsletter/check-your-inbox/"
    assert len(mail.outbox) == 1  # nothing sent to an active subscriber


def test_one_confirmation_an_hour_per_address(client):
    sign_up(client)
    sign_up(client)
    assert len(mail.outbox) == 1
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        sign_up(client)
    assert len(mail.outbox) == 2


@time_machine.travel(datetime(2027, 1, 4, 9, 0, 10, tzinfo=UTC), tick=False)  # one window
def test_sign_ups_from_one_ip_are_throttled(client, settings):
    settings.NEWSLETTER_SIGNUPS_PER_IP = 3
    for i in range(5):
        assert sign_up(client, email=f"r{i}@example.org").url == "/newsletter/check-your-inbox/"
    assert Subscriber.objects.count() == 3


def test_honeypot_stores_nothing_and_says_the_same(client):
    assert sign_up(client, website="http://spam").url == "/newsletter/check-your-inbox/"
    assert not Subscriber.objects.exists() and not mail.outbox


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"consent": ""}, "Please tick to agree"),
    ],
)
def test_bad_input_is_a_form_error(client, changes, message):
    response = sign_up(client, **changes)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Subscriber.objects.exists()


def test_expired_and_tampered_links_get_a_clear_page(client):
    sign_up(client)
    confirm = link(mail.outbox[0], "confirm")
    response = client.get(confirm[:-5] + "xxxx/")
    assert response.status_code == 400 and "has been changed" in response.content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client.post(confirm)
    assert response.status_code == 400 and "more than 7 days old" in response.content.decode()
    assert Subscriber.objects.get().status == "pending"


def test_unconfirmed_sign_ups_expire_after_seven_days(client):
    sign_up(client)
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert tasks.expire_pending_subscribers.delay().get() == 1
    assert not Subscriber.objects.exists()


def active(email, hp=False):
    return Subscriber.objects.create(
        email=email,
        is_health_professional=hp,
        status="active",
        consent_text="c",
        consent_at=timezone.now(),
    )


def send(issue):
    before = len(mail.outbox)
    tasks.send_issue.delay(issue.pk)
    return sorted(m.to[0] for m in mail.outbox[before:])


def test_segments():
    active("hp@example.org", hp=True)
    active("pat@example.org")
    Subscriber.objects.create(
        email="pending@example.org", consent_text="c", consent_at=timezone.now()
    )
    for segment, expected in [
        ("hp", ["hp@example.org"]),
        ("others", ["pat@example.org"]),
        ("everyone", ["hp@example.org", "pat@example.org"]),
    ]:
        issue = Issue.objects.create(subject=f"To {segment}", body_md="**Hello**", segment=segment)
        assert send(issue) == expected


def test_each_subscriber_gets_an_issue_exactly_once_even_when_resent_or_duplicated():
    for i in range(5):
        active(f"s{i}@example.org")
    issue = Issue.objects.create(subject="Monthly", body_md="Text")
    assert len(send(issue)) == 5
    assert send(issue) == []  # sent again: nobody twice
    ids = list(Delivery.objects.values_list("pk", flat=True))
    tasks.send_delivery_batch.delay(ids)  # a duplicated batch task
    assert len(mail.outbox) == 5
    active("late@example.org")
    assert send(issue) == ["late@example.org"]  # only the one not yet done
    assert Delivery.objects.filter(sent_at__isnull=False).count() == 6


def test_unsubscribed_mid_send_is_skipped():
    a, b = active("a@example.org"), active("b@example.org")
    issue = Issue.objects.create(subject="Monthly", body_md="Text")
    batches = services.issue_start(issue=issue, now=timezone.now())
    Subscriber.objects.filter(pk=b.pk).update(status="unsubscribed")
    report = services.deliveries_send(ids=batches[0], now=timezone.now())
    assert (report.sent, report.skipped) == (1, 1)
    assert [m.to[0] for m in mail.outbox] == [a.email]


def test_issue_email_has_links_and_one_click_headers(client):
    subscriber = active("a@example.org")
    send(Issue.objects.create(subject="Monthly", body_md="# Hi\n\n**Bold**"))
    message = mail.outbox[0]
    assert "<strong>Bold</strong>" in message.alternatives[0][0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.search(
        r"<https?://[^/]+(/newsletter/unsubscribe/[^>]+/)>",
        message.extra_headers["List-Unsubscribe"],
    ).group(1)
    assert unsubscribe in message.body
    # The flag can be changed from a link in any issue.
    preferences = link(message, "preferences")
    client.post(preferences, {"health_professional": "on"})
    subscriber.refresh_from_db()
    assert subscriber.is_health_professional
    # One-click unsubscribe: a POST from the mail client, no login, no CSRF token.
    response = client.post(
        unsubscribe, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"


def test_signed_in_learner_subscribes_in_one_click(client):
    user = ClinicianFactory()
    client.force_login(user)
    assert "Subscribe in one click" in client.get("/accounts/details/").content.decode()
    client.post("/newsletter/subscribe-me/")
    subscriber = Subscriber.objects.get(email=user.email)
    assert subscriber.status == "active" and subscriber.is_health_professional


def test_redis_down_at_sign_up_the_confirmation_still_goes(client, monkeypatch):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("Redis is down")

    monkeypatch.setattr(outbox_tasks.send_email, "delay", broker_down)
    assert sign_up(client).url == "/newsletter/check-your-inbox/"
    assert Subscriber.objects.get().status == "pending" and not mail.outbox
    monkeypatch.undo()
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        outbox_tasks.sweep_unsent.delay()
    assert len(mail.outbox) == 1 and "confirm" in mail.outbox[0].body
    assert OutboundEmail.objects.get().sent_at is not None


def test_a_send_asked_for_while_redis_is_down_starts_with_the_next_beat_run(monkeypatch):
    staff = StaffFactory()
    active("a@example.org")
    active("b@example.org")
    issue = Issue.objects.create(subject="Monthly", body_md="Text")

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("Redis is down")

    monkeypatch.setattr(tasks.send_issue, "delay", broker_down)
    with committing():
        services.issue_send(issue=issue, by=staff, now=timezone.now())
    assert mail.outbox == [] and Delivery.objects.count() == 0
    monkeypatch.undo()
    assert tasks.resume_deliveries.delay().get() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    # Started once: later runs neither start it again nor reach new subscribers.
    active("late@example.org")
    assert tasks.resume_deliveries.delay().get() == 0
    assert len(mail.outbox) == 2


def test_api_subscribe_same_answer_and_throttled(api_client, settings):
    body = {"email": "api@example.org", "health_professional": True, "consent": True}
    with committing():
        first = api_client.post("/api/v1/newsletter/subscribe/", body, format="json")
    assert first.status_code == 202
    second = api_client.post("/api/v1/newsletter/subscribe/", body, format="json")
    assert second.json() == first.json()
    bad = api_client.post(
        "/api/v1/newsletter/subscribe/", {"email": "x", "consent": True}, format="json"
    )
    assert bad.status_code == 400 and "email" in bad.json()
    statuses = [
        api_client.post("/api/v1/newsletter/subscribe/", body, format="json").status_code
        for _ in range(12)
    ]
    assert 429 in statuses
    assert (
        "/api/v1/newsletter/subscribe/"
        in api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    )


def test_admin_sees_progress_previews_tests_and_exports(client, django_assert_max_num_queries):
    staff = StaffFactory()
    client.force_login(staff)
    active("a@example.org", hp=True)
    active("b@example.org", hp=False)
    issue = Issue.objects.create(subject="Monthly", body_md="Text", segment="hp")
    preview = client.get(f"/admin/newsletter/issue/{issue.pk}/preview/").content.decode()
    assert "goes to <strong>1</strong> active subscriber" in preview
    page = client.get(f"/admin/newsletter/issue/{issue.pk}/change/").content.decode()
    assert f"/admin/newsletter/issue/{issue.pk}/send/" in page and "Send a test to me" in page
    with committing():
        client.post(f"/admin/newsletter/issue/{issue.pk}/send-test/")
    assert mail.outbox[-1].to == [staff.email] and mail.outbox[-1].subject.startswith("[TEST]")
    assert Issue.objects.get().send_started_at is None  # a test is not the send
    # Sending asks first, naming the segment and how many it reaches; GET sends nothing.
    confirm = client.get(f"/admin/newsletter/issue/{issue.pk}/send/").content.decode()
    assert "<strong>1</strong> active subscriber" in confirm
    assert "Health professionals" in confirm
    assert len(mail.outbox) == 1
    with committing():
        client.post(f"/admin/newsletter/issue/{issue.pk}/send/")
    assert [m.to for m in mail.outbox[1:]] == [["a@example.org"]]
    issue.refresh_from_db()
    assert issue.send_requested_by == staff and issue.recipients_written_at
    assert (
        "1 sent · 0 remaining · 0 failed"
        in client.get(f"/admin/newsletter/issue/{issue.pk}/change/").content.decode()
    )
    # Once sending has started, what subscribers got cannot be rewritten.
    client.post(
        f"/admin/newsletter/issue/{issue.pk}/change/",
        {"subject": "Changed", "segment": "everyone", "body_md": "Other"},
    )
    issue.refresh_from_db()
    assert (issue.subject, issue.segment, issue.body_md) == ("Monthly", "hp", "Text")
    # The list's progress column costs the same whatever the number of issues.
    for i in range(5):
        services.issue_start(
            issue=Issue.objects.create(subject=f"Old {i}", body_md="x"), now=timezone.now()
        )
    with django_assert_max_num_queries(12):
        listing = client.get("/admin/newsletter/issue/").content.decode()
    assert "1 sent · 0 remaining · 0 failed" in listing
    Subscriber.objects.create(
        email="=cmd()@example.org", consent_text="c", consent_at=timezone.now()
    )
    response = client.post(
        "/admin/newsletter/subscriber/",
        {
            "action": "export_csv",
            "_selected_action": list(Subscriber.objects.values_list("pk", flat=True)),
        },
    )
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("email,status,health_professional,consent_at")
    assert "a@example.org,active,True" in text and "'=cmd()@example.org" in text


def test_one_click_records_the_same_subscription_new_or_returning(client):
    fields = ("status", "is_health_professional", "consent_text", "source", "unsubscribed_at")
    new, returning = ClinicianFactory(), ClinicianFactory()
    Subscriber.objects.create(
        email=returning.email,
        status="unsubscribed",
        consent_text="Old wording",
        consent_at=timezone.now() - timedelta(days=30),
        unsubscribed_at=timezone.now() - timedelta(days=1),
        created_at=timezone.now() - timedelta(days=30),
    )
    for user in (new, returning):
        client.force_login(user)
        client.post("/newsletter/subscribe-me/")
    a, b = (Subscriber.objects.get(email=u.email) for u in (new, returning))
    assert [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields]
    assert a.status == "active" and a.unsubscribed_at is None and a.consent_at == a.confirmed_at
    assert b.created_at < a.created_at  # the first sign-up's date is kept
