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

import re
from collections.abc import Iterable, Mapping
from html.parser import HTMLParser
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

from lib.urls import absolute_link

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
    # Every link in every email is absolute, whoever wrote it: a relative href is dead in
    # a mail client. Done here, where every message is made, and not left to each caller.
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[to] if isinstance(to, str) else list(to),
        headers=dict(headers or {}),
    )
    if html:
        message.attach_alternative(absolute_links(html), "text/html")
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


# --- HTML for mail: absolute links, inline styles, a plain-text twin ----------------------

# An href or src attribute and its quoted value, as templates and nh3 write them.
_LINK_ATTRIBUTE = re.compile(
    r"""(?P<name>\b(?:href|src)\s*=\s*)(?P<q>["'])(?P<url>.*?)(?P=q)""", re.I
)


def absolute_links(html: str) -> str:
    """Every href and src made absolute against the site's public address."""
    return _LINK_ATTRIBUTE.sub(
        lambda m: f"{m['name']}{m['q']}{absolute_link(m['url'])}{m['q']}", html
    )


# Mail clients drop <style> and ignore class names: what an email's body looks like has to
# be written on each element. Keyed by tag, for HTML as nh3 leaves it (no style attribute
# an author could have written survives it).
EMAIL_STYLES = {
    "h2": "font-size: 1.3rem; line-height: 1.3; margin: 1.5rem 0 .5rem;",
    "h3": "font-size: 1.1rem; line-height: 1.3; margin: 1.25rem 0 .5rem;",
    "h4": "font-size: 1rem; line-height: 1.3; margin: 1rem 0 .5rem;",
    "p": "margin: 0 0 1rem;",
    "ul": "margin: 0 0 1rem; padding-left: 1.5rem;",
    "ol": "margin: 0 0 1rem; padding-left: 1.5rem;",
    "li": "margin: 0 0 .25rem;",
    "a": "color: #0b5d6b; text-decoration: underline;",
    "blockquote": "margin: 0 0 1rem; padding-left: 1rem; border-left: 3px solid #c9d1db;",
    "table": "border-collapse: collapse; margin: 0 0 1rem;",
    "th": "border: 1px solid #c9d1db; padding: .25rem .5rem; text-align: left;",
    "td": "border: 1px solid #c9d1db; padding: .25rem .5rem;",
}
_STYLED_TAG = re.compile(r"<(" + "|".join(EMAIL_STYLES) + r")(?=[\s>])", re.I)


def inline_styles(html: str) -> str:
    """Clean HTML (a newsletter's Markdown, rendered) with the email's styles written on
    its headings, paragraphs, lists, links, quotes and tables."""
    return _STYLED_TAG.sub(lambda m: f'<{m[1]} style="{EMAIL_STYLES[m[1].lower()]}"', html)


_BLOCKS = {"p", "div", "blockquote", "pre", "table", "tr", "ul", "ol", "li", "hr"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BREAK = "\x00"  # a <br>, kept through the squeezing of white space


class _PlainText(HTMLParser):
    """See html_to_text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, bool]] = []  # (text, tight: no blank line before it)
        self.inline: list[str] = []
        self.prefix = ""
        self.tight = False
        self.lists: list[list[int]] = []  # per open list: [ordered (0/1), items so far]
        self.links: list[tuple[str, int]] = []  # (href, where its words start in inline)
        self.quotes = 0
        self.pre = 0
        self.rows = 0  # rows of the open table so far

    def flush(self) -> str:
        text = "".join(self.inline)
        if not self.pre:
            text = " ".join(text.split())
        text = "\n".join(line.strip() for line in text.split(_BREAK)).strip("\n")
        self.inline = []
        return text

    def push(self, text: str, *, tight: bool = False) -> None:
        if not text.strip():
            return  # nothing yet: a list item's marker waits for its first words
        quote = "> " * self.quotes
        lines = text.split("\n")
        text = "\n".join(
            quote + (self.prefix if i == 0 else " " * len(self.prefix)) + line
            for i, line in enumerate(lines)
        )
        self.blocks.append((text, tight))
        self.prefix = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS or tag in _HEADINGS:
            self.push(self.flush(), tight=self.tight)
            self.tight = False
        if tag == "blockquote":
            self.quotes += 1
        elif tag == "pre":
            self.pre += 1
        elif tag in ("ul", "ol"):
            self.lists.append([int(tag == "ol"), 0])
        elif tag == "li" and self.lists:
            ordered, count = self.lists[-1]
            self.lists[-1][1] = count + 1
            marker = f"{count + 1}. " if ordered else "- "
            self.prefix = "  " * (len(self.lists) - 1) + marker
            self.tight = count > 0 or len(self.lists) > 1
        elif tag == "table":
            self.rows = 0
        elif tag in ("td", "th") and "".join(self.inline).strip():
            self.inline.append(" | ")
        elif tag == "br":
            self.inline.append(_BREAK)
        elif tag == "hr":
            self.blocks.append(("* * *", False))
        elif tag in ("strong", "b"):
            self.inline.append("*")
        elif tag in ("em", "i"):
            self.inline.append("_")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.inline)))

    def handle_endtag(self, tag: str) -> None:
        if tag in _HEADINGS:
            text = self.flush()
            if tag == "h1":
                text = f"{text}\n{'=' * len(text)}"
            elif tag == "h2":
                text = f"{text}\n{'-' * len(text)}"
            else:
                text = f"{'#' * int(tag[1])} {text}"
            self.push(text)
        elif tag == "tr":  # a table's rows one to a line, the table set apart
            self.push(self.flush(), tight=self.rows > 0)
            self.rows += 1
        elif tag in _BLOCKS:
            self.push(self.flush(), tight=self.tight)
            self.tight = tag == "li" and bool(self.lists)
            if tag in ("ul", "ol") and self.lists:
                self.lists.pop()
                self.tight = bool(self.lists)
            elif tag == "blockquote":
                self.quotes = max(0, self.quotes - 1)
            elif tag == "pre":
                self.pre = max(0, self.pre - 1)
        elif tag in ("strong", "b"):
            self.inline.append("*")
        elif tag in ("em", "i"):
            self.inline.append("_")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            words = " ".join("".join(self.inline[start:]).split())
            if href and href not in (words, f"mailto:{words}"):
                self.inline.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        self.inline.append(data)

    def text(self) -> str:
        self.close()
        self.push(self.flush(), tight=self.tight)
        out = ""
        for text, tight in self.blocks:
            out += ("\n" if tight else "\n\n") + text if out else text
        return out + "\n"


def html_to_text(html: str) -> str:
    """The plain-text part for HTML written as Markdown writes it: headings kept as
    headings (underlined, or "### "), list items as "- item" or "1. item", emphasis as
    *this* and _this_, a link as "its words (its address)", a quote as "> "."""
    parser = _PlainText()
    parser.feed(html)
    return parser.text()


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
    """One newsletter issue. ctx: issue, body_html (the editor's Markdown as clean HTML,
    rendered on save), preferences_url, test (an editor's test send). The body goes into
    the HTML part with the email's styles and into the text part as text, its links made
    absolute in both."""
    body = absolute_links(ctx["body_html"])
    ctx = {
        **ctx,
        "body_html": inline_styles(body),
        "body_text": html_to_text(body),
        "unsubscribe_url": unsubscribe_url,
    }
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
