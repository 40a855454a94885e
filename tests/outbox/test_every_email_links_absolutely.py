"""One of every kind of email the platform sends, each through its real code path and the
outbox, read from what the mail server got: every href in every HTML part and every
address in every text part is absolute, on the site's public address. A newsletter
whose Markdown links to `/pain-map/` arrives with a link that works, and its headings,
lists and emphasis arrive in both parts."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from completion.services import certificate_revoke
from newsletter import tasks as newsletter_tasks
from newsletter.models import Issue, Subscriber
from outbox.emails import assemble
from reminders import tasks as reminder_tasks
from tests.completion.conftest import cpd_course, issued  # noqa: F401 (fixtures)
from tests.factories import LessonFactory, StaffFactory, UserFactory, reviewed_key_point_card

pytestmark = pytest.mark.django_db

SITE = "https://learn.example.org"
PASSWORD = "a-long-test-password"
BODY = """# Where it hurts

Read *slowly*, then see the **pain map**: [the pain map](/pain-map/), or
[the courses](courses/) and [write to us](mailto:team@example.org).

- first point
- second point

## Next month

1. one
2. two
"""


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def reminder_learner() -> None:
    user = UserFactory(email="learner@example.org", time_zone="Europe/London", reminder_hour=18)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    lesson = LessonFactory(
        publish_at=start, module__publish_at=start, module__course__publish_at=start
    )
    reviewed_key_point_card(
        user, lesson, due=start, last_review=datetime(2025, 12, 28, tzinfo=UTC)
    ).save()


def send_one_of_each(client, on_commit, certificate) -> dict[str, object]:
    """Every kind, in turn; returns each kind's message as the mail server got it."""
    sent: dict[str, object] = {}

    def expect(kind: str) -> None:
        assert mail.outbox, f"no email for {kind}"
        sent[kind] = mail.outbox.pop()
        assert not mail.outbox, f"more than one email for {kind}"

    mail.outbox.clear()  # the certificate the fixture issued, emailed with its PDF
    with on_commit():
        certificate_revoke(certificate=certificate, reason="Issued in error", by=None)
    expect("certificate_revoked")
    sent["certificate"] = None  # checked below, from the fixture's email
    reminder_learner()
    with time_machine.travel(datetime(2026, 3, 4, 18, 5, tzinfo=UTC), tick=False):
        reminder_tasks.send_due_reminders.delay()
    expect("reminder")
    with on_commit():
        client.post("/newsletter/", {"email": "reader@example.org", "consent": "on"})
    expect("newsletter_confirm")
    Subscriber.objects.create(
        email="active@example.org", status="active", consent_text="c", consent_at=timezone.now()
    )
    issue = Issue.objects.create(subject="Monthly", body_md=BODY)
    newsletter_tasks.send_issue.delay(issue.pk)
    expect("newsletter_issue")
    client.force_login(StaffFactory())
    with on_commit():
        client.post(f"/admin/newsletter/issue/{issue.pk}/send-test/")
    expect("newsletter_issue_test")
    client.logout()
    signup = {
        "email": "sam@example.org",
        "name": "Sam",
        "role": "patient",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    with on_commit():
        client.post("/accounts/signup/", signup)
    expect("account_confirmation")
    client.logout()
    with on_commit():
        client.post("/accounts/password/reset/", {"email": "sam@example.org"})
    expect("account_password_reset")
    with on_commit():
        client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    expect("account_unknown")
    return sent


def hrefs(html: str) -> list[str]:
    return re.findall(r"""\b(?:href|src)\s*=\s*["']([^"']*)["']""", html)


def text_addresses(text: str) -> list[str]:
    """Web addresses in text, and anything that looks like a bare site path."""
    return re.findall(r"https?://[^\s\"<>)]+", text) + re.findall(
        r"(?:^|[\s(<])(/[\w-]+/\S*)", text
    )


def test_every_link_in_every_kind_of_email_is_absolute(client, on_commit, issued):  # noqa: F811
    certificate_email = mail.outbox[-1]
    assert certificate_email.subject.startswith("Your CPD certificate:")
    sent = send_one_of_each(client, on_commit, issued)
    sent["certificate"] = certificate_email
    assert len(sent) == 9
    for kind, message in sent.items():
        html = message.alternatives[0][0] if message.alternatives else ""
        links = hrefs(html)
        addresses = text_addresses(message.body)
        assert addresses, f"{kind}: no address in the text part"
        wrong = [
            url
            for url in links + addresses
            if not (url.startswith(f"{SITE}/") or url.startswith("mailto:"))
        ]
        assert wrong == [], f"{kind}: {wrong}"
        # No "[site] " before a subject; only an editor's test says "[TEST]".
        assert re.sub(r"^\[TEST\] ", "", message.subject)[0] != "[", message.subject


def test_the_revoked_certificate_email_gives_the_reason_and_the_verify_link(
    client,
    on_commit,
    issued,  # noqa: F811
):
    with on_commit():
        certificate_revoke(certificate=issued, reason="Registration lapsed", by=None)
    message = mail.outbox[-1]
    verify = f"{SITE}/certificates/{issued.code}/"
    assert "The reason: Registration lapsed" in message.body and verify in message.body
    html = message.alternatives[0][0]
    assert "Registration lapsed" in html and f'href="{verify}"' in html


def test_a_newsletter_keeps_its_headings_lists_emphasis_and_links_in_both_parts():
    Subscriber.objects.create(
        email="active@example.org", status="active", consent_text="c", consent_at=timezone.now()
    )
    issue = Issue.objects.create(subject="Monthly", body_md=BODY)
    newsletter_tasks.send_issue.delay(issue.pk)
    (message,) = mail.outbox
    text = message.body
    assert "Monthly\n=======\n" in text  # the subject heads the text, as the h1 the HTML
    assert "Where it hurts\n--------------\n" in text
    assert "### Next month" in text
    assert "- first point\n- second point" in text and "1. one\n2. two" in text
    assert "_slowly_" in text and "*pain map*" in text
    assert f"the pain map ({SITE}/pain-map/)" in text
    assert f"the courses ({SITE}/courses/)" in text
    assert "[the pain map]" not in text and "# Where" not in text
    html = message.alternatives[0][0]
    assert re.search(r"<h1 style=\"[^\"]+\">Monthly</h1>", html)
    assert re.search(r"<h2 style=\"[^\"]+\">Where it hurts</h2>", html)
    assert re.search(r"<h3 style=\"[^\"]+\">Next month</h3>", html)
    assert re.search(r"<ul style=\"[^\"]+\">\s*<li style=\"[^\"]+\">first point</li>", html)
    assert "<em>slowly</em>" in html and "<strong>pain map</strong>" in html
    assert re.search(rf'<a style="[^"]+" href="{SITE}/pain-map/"[^>]*>the pain map</a>', html)
    assert "This is a test send" not in html + text


def test_the_email_module_makes_any_relative_link_absolute_when_it_assembles():
    html = (
        "<a href=\"/pain-map/\">map</a> <a href='courses/'>courses</a> "
        '<img src="/static/logo.png" alt=""> <a href="mailto:a@example.org">us</a> '
        '<a href="https://other.example.net/x">there</a>'
    )
    message = assemble(to="a@example.org", subject="S", text="T", html=html)
    assert hrefs(message.alternatives[0][0]) == [
        f"{SITE}/pain-map/",
        f"{SITE}/courses/",
        f"{SITE}/static/logo.png",
        "mailto:a@example.org",
        "https://other.example.net/x",
    ]
