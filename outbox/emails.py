"""Every email the platform sends is built here: one function per kind of email.

A kind named `reminder` renders three templates, `templates/email/reminder.subject.txt`
(one line), `reminder.txt` and `reminder.html`, with the context its caller gives. The
caller supplies the recipient and everything specific to it, absolute links included
(`lib.urls.absolute_url`): this module knows no learner, subscriber or certificate, so
the outbox stays at the bottom of the layers.

Building is all it does. Every message goes out by the outbox's one leased protocol
(`outbox.batch`): transactional mail is recorded with `outbox.services.email_record` and
sent by a worker; reminders and newsletter issues are built by `send_batch`'s
`message_for` when their row is claimed. The Message-ID is set there, from the row.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

# (file name, content, MIME type), as EmailMessage.attach takes it.
Attachment = tuple[str, bytes, str]


def assemble(
    *,
    to: str | list[str],
    subject: str,
    text: str,
    html: str = "",
    headers: Mapping[str, str] | None = None,
    attachments: Iterable[Attachment] = (),
) -> EmailMultiAlternatives:
    """The message itself, from parts already rendered: the one place a message object
    is made (the outbox also rebuilds a recorded row with it)."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[to] if isinstance(to, str) else list(to),
        headers=dict(headers or {}),
    )
    if html:
        message.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    return message


def _subject(template: str, ctx: Mapping[str, Any]) -> str:
    # A header is one line: a stray line break in a title must not end it.
    return " ".join(render_to_string(template, ctx).splitlines()).strip()


def make_message(
    name: str,
    to: str | list[str],
    ctx: Mapping[str, Any],
    *,
    headers: Mapping[str, str] | None = None,
    attachments: Iterable[Attachment] = (),
) -> EmailMultiAlternatives:
    """Render `email/<name>.subject.txt`, `<name>.txt` and `<name>.html` into one
    message with a text and an HTML part."""
    return assemble(
        to=to,
        subject=_subject(f"email/{name}.subject.txt", ctx),
        text=render_to_string(f"email/{name}.txt", ctx),
        html=render_to_string(f"email/{name}.html", ctx),
        headers=headers,
        attachments=attachments,
    )


def one_click_unsubscribe(url: str) -> dict[str, str]:
    """RFC 8058: mail clients show an "unsubscribe" button that POSTs to `url`."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


# --- the kinds of email -------------------------------------------------------------------


def certificate(to: str, ctx: Mapping[str, Any], *, pdf: Attachment) -> EmailMultiAlternatives:
    """A clinician's CPD certificate, the PDF attached. ctx: certificate, verify_url,
    dashboard_url."""
    return make_message("certificate", to, ctx, attachments=[pdf])


def certificate_revoked(to: str, ctx: Mapping[str, Any]) -> EmailMultiAlternatives:
    """A clinician's CPD certificate was revoked, and why. ctx: certificate, verify_url,
    dashboard_url, site_name."""
    return make_message("certificate_revoked", to, ctx)


def reminder(to: str, ctx: Mapping[str, Any], *, unsubscribe_url: str) -> EmailMultiAlternatives:
    """Today's review reminder. ctx: user, count, minutes, review_url, settings_url; for a
    reminder by recall also fading (topic, count), fading_elsewhere and retention. The
    unsubscribe link in the body and in the header are the same by construction."""
    ctx = {**ctx, "unsubscribe_url": unsubscribe_url}
    return make_message("reminder", to, ctx, headers=one_click_unsubscribe(unsubscribe_url))


def newsletter_confirm(to: str, ctx: Mapping[str, Any]) -> EmailMultiAlternatives:
    """Double opt-in: confirm a newsletter sign-up. ctx: confirm_url, days, consent."""
    return make_message("newsletter_confirm", to, ctx)


def newsletter_issue(
    to: str, ctx: Mapping[str, Any], *, unsubscribe_url: str
) -> EmailMultiAlternatives:
    """One newsletter issue, its body the editor's Markdown as rendered on save (text)
    and cleaned HTML. ctx: issue, preferences_url, test (an editor's test send)."""
    ctx = {**ctx, "unsubscribe_url": unsubscribe_url}
    return make_message("newsletter_issue", to, ctx, headers=one_click_unsubscribe(unsubscribe_url))


def account(
    template_prefix: str,
    to: str | list[str],
    ctx: Mapping[str, Any],
    *,
    subject_prefix: str = "",
    headers: Mapping[str, str] | None = None,
    request: HttpRequest | None = None,
) -> EmailMultiAlternatives:
    """django-allauth's mail (address confirmation, password reset, notices), built by
    the same path as ours but from allauth's own templates and names:
    `<template_prefix>_subject.txt`, `_message.txt` and, if present, `_message.html`
    (e.g. "account/email/email_confirmation"). allauth ships the text and overriding
    templates are looked up under those names, so they stay where allauth expects them.
    As allauth does, the bodies are stripped and rendered with the request."""
    try:
        html = render_to_string(f"{template_prefix}_message.html", ctx, request).strip()
    except TemplateDoesNotExist:
        html = ""  # allauth's own templates are text only
    return assemble(
        to=to,
        subject=subject_prefix + _subject(f"{template_prefix}_subject.txt", ctx),
        text=render_to_string(f"{template_prefix}_message.txt", ctx, request).strip(),
        html=html,
        headers=headers,
    )
