"""The one email module: each kind renders its subject, text and HTML from
templates/email/, every link in every email is absolute, and nothing else in the
platform builds a message, renders an email template or glues SITE_URL to a path."""

import ast
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from allauth.account.adapter import get_adapter
from django.contrib.sites.models import Site
from django.core import mail

from completion.models import Certificate
from completion.services import certificate_message, certificate_revoked_message
from lib.urls import absolute_url
from newsletter.models import Issue, Subscriber
from newsletter.services import confirmation_message, issue_message
from outbox import emails
from outbox.models import OutboundEmail
from outbox.services import email_record, outbound_message
from reminders.models import Reminder
from reminders.services import reminder_message
from tests.factories import ClinicianFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
SITE = "https://learn.example.org"
PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def reminder():
    user = UserFactory(name="Ada", email="ada@example.org")
    return reminder_message(Reminder(user=user, local_date=date(2026, 3, 4), due_count=3))


def confirmation():
    subscriber = Subscriber.objects.create(
        email="reader@example.org", consent_text="Once a month.", consent_at=datetime.now(UTC)
    )
    return confirmation_message(subscriber)


def issue(*, test=False):
    subscriber = Subscriber.objects.create(
        email="reader@example.org", status="active", consent_text="c", consent_at=datetime.now(UTC)
    )
    issue = Issue.objects.create(subject="Monthly", body_md="# Hi\n\n**Bold**")
    if test:
        return issue_message(issue, None, to="editor@example.org", test=True)
    return issue_message(issue, subscriber)


def _certificate(**fields) -> Certificate:
    user = ClinicianFactory(email="dr@example.org")
    return Certificate(
        user=user,
        code="abc123",
        name="Dr Ada Lovelace",
        profession="Physiotherapist",
        registration_number="PHY0000001",
        course_title="Telling buttock nerve pain sources apart",
        cpd_hours=Decimal("6.0"),
        completed_on=date(2026, 3, 4),
        issued_at=datetime(2026, 3, 4, 12, tzinfo=UTC),
        **fields,
    )


def certificate():
    return certificate_message(_certificate())


def certificate_revoked():
    return certificate_revoked_message(
        _certificate(
            revoked_at=datetime(2026, 5, 6, 9, tzinfo=UTC), revoked_reason="Issued in error"
        )
    )


KINDS = {
    "reminder": (reminder, "3 reviews due today", "<strong>3 reviews</strong>"),
    "newsletter_confirm": (
        confirmation,
        "Please confirm your newsletter subscription",
        "Confirm my subscription",
    ),
    "newsletter_issue": (issue, "Monthly", "<strong>Bold</strong>"),
    "newsletter_issue_test": (
        lambda: issue(test=True),
        "[TEST] Monthly",
        "This is a test send of a newsletter issue.",
    ),
    "certificate": (
        certificate,
        "Your CPD certificate: Telling buttock nerve pain sources apart",
        "<strong>Telling buttock nerve pain sources apart</strong>",
    ),
    "certificate_revoked": (
        certificate_revoked,
        "Your CPD certificate was revoked: Telling buttock nerve pain sources apart",
        "<p>The reason: Issued in error</p>",
    ),
}


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_renders_its_subject_text_and_html(kind):
    build, subject, in_html = KINDS[kind]
    message = build()
    assert message.subject == subject
    assert message.body.strip() and "<p>" not in message.body
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html" and html.startswith("<!DOCTYPE html>")
    assert in_html in html


def links(message) -> list[str]:
    """Every address in the message: the href of each HTML link, each http(s) address
    in the text, and those in the headers."""
    html = message.alternatives[0][0] if message.alternatives else ""
    found = re.findall(r'href="([^"]*)"', html)
    found += re.findall(r"https?://[^\s\"<>]+", message.body)
    found += re.findall(r"<([^>]+)>", message.extra_headers.get("List-Unsubscribe", ""))
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_every_link_in_every_email_is_absolute(kind):
    message = KINDS[kind][0]()
    found = links(message)
    assert found
    assert [url for url in found if not url.startswith(SITE + "/")] == []


def test_one_click_unsubscribe_header_is_the_link_in_the_body():
    for message in (reminder(), issue()):
        url = message.extra_headers["List-Unsubscribe"].strip("<>")
        assert url in message.body and url in message.alternatives[0][0]
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_certificate_pdf_is_attached_and_survives_the_outbox(on_commit):
    message = certificate()
    ((name, content, mimetype),) = message.attachments
    assert (name, mimetype) == ("certificate-abc123.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    with on_commit():
        (row,) = email_record(message)
    sent = mail.outbox[0]
    assert sent.attachments[0].content == content and sent.subject == message.subject
    assert sent.alternatives == message.alternatives
    assert sent.extra_headers["Message-ID"] == OutboundEmail.objects.get(pk=row.pk).message_id
    assert outbound_message(row).body == message.body


def test_a_subject_is_one_line_whatever_its_title():
    message = emails.make_message(
        "newsletter_issue",
        "a@example.org",
        {"issue": Issue(subject="Two\nlines", body_md="x", body_html="<p>x</p>")},
    )
    assert message.subject == "Two lines"


def test_absolute_url_from_a_view_name_or_a_path():
    assert absolute_url("reviews:session") == f"{SITE}/review/"
    assert absolute_url("newsletter:confirm", "tok") == f"{SITE}/newsletter/confirm/tok/"
    assert absolute_url("/certificates/") == f"{SITE}/certificates/"
    with pytest.raises(ValueError):
        absolute_url("/certificates/", "abc")


def test_allauth_mail_is_built_by_the_email_module_and_recorded(client, on_commit, monkeypatch):
    built = []
    account = emails.account

    def spy(template_prefix, *args, **kwargs):
        built.append(template_prefix)
        return account(template_prefix, *args, **kwargs)

    monkeypatch.setattr(emails, "account", spy)
    with on_commit():
        client.post(
            "/accounts/signup/",
            {
                "email": "sam@example.org",
                "name": "Sam",
                "role": "patient",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    assert built == ["account/email/email_confirmation_signup"]
    (message,) = mail.outbox
    assert message.subject == "Please confirm your email address"  # no "[site]" prefix
    assert OutboundEmail.objects.get(to="sam@example.org").sent_at is not None
    # allauth builds its links from the request's Host; they go out on SITE_URL.
    assert links(message)
    assert all(url.startswith(f"{SITE}/") for url in links(message))
    assert any(url.startswith(f"{SITE}/accounts/confirm-email/") for url in links(message))


def test_allauth_render_mail_keeps_allauths_templates_prefix_and_headers():
    message = get_adapter().render_mail(
        "account/email/password_changed",
        "sam@example.org",
        {"user": UserFactory(), "current_site": Site.objects.get_current()},
        headers={"X-Mailer-Test": "1"},
    )
    assert message.subject == "Your password was changed"
    assert message.extra_headers == {"X-Mailer-Test": "1"}
    assert message.to == ["sam@example.org"] and message.body == message.body.strip()
    assert message.alternatives == []  # allauth's templates are text only


# --- one path: a grep over the platform's own code ------------------------------------------

BUILDERS = {"EmailMessage", "EmailMultiAlternatives", "send_mail", "send_mass_mail"}
BUILDERS |= {"mail_admins", "mail_managers"}


def our_modules():
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] not in {"tests", ".venv", "node_modules"} and "migrations" not in (
            relative.parts
        ):
            yield relative.as_posix(), ast.parse(path.read_text())


def hand_built(name: str, tree: ast.AST) -> list[str]:
    """Messages made, or email templates named, anywhere but the email module."""
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                called = func.id
            elif (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "mail"  # django.core.mail.send_mail(...)
            ):
                called = func.attr
            else:
                continue
            if called in BUILDERS:
                problems.append(f"{name}:{node.lineno} calls {called}")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.startswith(("email/", "account/email/"))
        ):
            problems.append(f"{name}:{node.lineno} names {node.value!r}")
    return problems


def test_only_the_email_module_builds_a_message_or_renders_an_email_template():
    problems = []
    for name, tree in our_modules():
        if name != "outbox/emails.py":
            problems += hand_built(name, tree)
    assert problems == []


def test_the_check_sees_a_hand_built_message():
    source = (
        "from django.core import mail\n"
        "mail.send_mail('s', 'b', None, ['a'])\n"
        "m = EmailMultiAlternatives('s', render_to_string('email/x.txt'))\n"
    )
    assert hand_built("x.py", ast.parse(source)) == [
        "x.py:2 calls send_mail",
        "x.py:3 calls EmailMultiAlternatives",
        "x.py:3 names 'email/x.txt'",
    ]


def test_only_lib_urls_joins_site_url_to_a_path():
    problems = []
    for name, tree in our_modules():
        if name == "lib/urls.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.BinOp | ast.JoinedStr):
                source = ast.unparse(node)
                if "SITE_URL" in source:
                    problems.append(f"{name}:{node.lineno} {source}")
    assert problems == []
