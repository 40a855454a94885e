"""The one-page CPD certificate as a PDF (reportlab): the issuer's mark and statement,
the learner, the course with its hours, what was assessed and the learning outcomes, the
course lead's line, and the verification address with a QR code of it.

A4 portrait, so that it files with other CPD records, in the site's type (Source Serif 4
for the name and headings, Source Sans 3 for the rest; lib/fonts.py) and colours. The
teal is dark and the amber only decorates, so it prints well in greyscale. Long names
and titles are shrunk, then wrapped; the outcomes are set smaller until they fit.
"""

import io
from dataclasses import dataclass

from django.conf import settings
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from lib.fonts import SANS, SANS_SEMIBOLD, SERIF, font_for, register_fonts
from lib.svgpdf import draw_svg
from lib.urls import absolute_url

from .models import Certificate

# The site's light palette (static/css/site.css): --ink, --muted, --brand, --line.
INK = colors.HexColor("#1a2330")
MUTED = colors.HexColor("#4d5766")
BRAND = colors.HexColor("#0b5d6b")
LINE = colors.HexColor("#d8d1c3")
ACCENT = colors.HexColor("#ffbf47")  # the mark's nerve endings; decoration only

MARK = settings.BASE_DIR / "static" / "img" / "mark.svg"
MARGIN = 24 * mm


def verification_url(certificate: Certificate) -> str:
    return absolute_url("completion:certificate_verify", certificate.code)


def issuer_name(certificate: Certificate) -> str:
    """The site that issued it, by its name then (settings.SITE_NAME at issue);
    certificates from before that was recorded name the site as it is now."""
    return certificate.issuer_name or settings.SITE_NAME


def issuer_statement(certificate: Certificate) -> str:
    """Who vouches for the certificate and for what, printed on it under the details it
    names and shown under them on its verification page. Of one length whatever the name
    and title, so that it always fits the footer."""
    return (
        f"Issued by {issuer_name(certificate)}, the online training platform that runs "
        "this course. It "
        "records that the person named above completed the online continuing professional "
        f"development course above, of {certificate.hours_label}, on "
        f"{certificate.completed_on:%-d %B %Y}. Anyone can check that it is genuine and "
        "still valid at its verification address or with the QR code."
    )


def assessment_statement(certificate: Certificate) -> str:
    """What completing the course took, by the rules in force when it was issued: on
    the certificate, its verification page and its badge. Empty for certificates issued
    before the rules were recorded on them."""
    rules = certificate.criteria
    required = []
    if rules.get("all_lessons_done"):
        if share := rules.get("reading_share"):
            required.append(
                f"every lesson of the course read for at least {share} its stated reading "
                "time (timed by the platform) or its self-check answered"
            )
        else:
            required.append("every lesson of the course marked done")
    if rules.get("module_quizzes_passed"):
        required.append(
            "every module quiz passed at its pass mark, on cases drawn from a pool"
            if rules.get("pooled_quizzes")
            else "every module quiz passed at its pass mark"
        )
    if not rules:
        return ""
    if not required:
        statement = "The course set no lessons or quizzes to complete for this certificate."
    else:
        statement = f"Completion required {' and '.join(required)}."
    if rules.get("reflection_and_evaluation"):
        statement += " The learner then wrote a reflection on practice and evaluated the course."
    return statement


def assessed_label(item: dict) -> str:
    """One module quiz as the certificate lists it: "Anatomy (pass mark 80%)"."""
    return f"{item['module']} (pass mark {item['pass_mark']}%)"


def issuer_note() -> str:
    """Said once on the learner's list of certificates, of them all."""
    return (
        f"Certificates are issued by {settings.SITE_NAME}, the online training platform "
        "that runs the courses. Each records that you completed an online continuing "
        "professional development course, with what it assessed, its CPD hours and "
        "learning outcomes, and anyone can check that it is genuine and still valid at "
        "its verification address or with its QR code."
    )


@dataclass
class Writer:
    """Left-aligned text on a canvas, from the top down, inside the margins."""

    pdf: canvas.Canvas
    x: float
    width: float
    y: float

    def lines(
        self, text: str, font: str, size: float, min_size: float, width: float
    ) -> tuple[str, float, list[str]]:
        """`text` shrunk towards `min_size` to fit one line, else wrapped at that size."""
        font = font_for(text, font)
        while size > min_size and pdfmetrics.stringWidth(text, font, size) > width:
            size -= 0.5
        return font, size, simpleSplit(text, font, size, width) or [""]

    def text(
        self,
        text: str,
        *,
        font: str = SANS,
        size: float = 11,
        min_size: float | None = None,
        color: colors.Color = INK,
        leading: float = 1.25,
        space_after: float = 0,
    ) -> None:
        font, size, lines = self.lines(text, font, size, min_size or size, self.width)
        self.pdf.setFillColor(color)
        self.pdf.setFont(font, size)
        for line in lines:
            self.y -= size
            self.pdf.drawString(self.x, self.y, line)
            self.y -= size * (leading - 1)
        self.y -= space_after


def _frame(pdf: canvas.Canvas, width: float, height: float) -> None:
    pdf.setStrokeColor(BRAND)
    pdf.setLineWidth(1.2)
    pdf.roundRect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm, 4 * mm)
    # An amber tab on the top edge, as the mark's nerve endings: decoration only.
    pdf.setFillColor(ACCENT)
    pdf.rect(MARGIN, height - 10 * mm - 1.5, 28 * mm, 3, stroke=0, fill=1)


def _header(pdf: canvas.Canvas, top: float, issuer: str) -> float:
    size = 15 * mm
    draw_svg(pdf, MARK, x=MARGIN, y=top - size, size=size)
    text_x = MARGIN + size + 4 * mm
    pdf.setFillColor(INK)
    pdf.setFont(SERIF, 18)
    pdf.drawString(text_x, top - 7 * mm, issuer)
    pdf.setFillColor(MUTED)
    pdf.setFont(SANS, 10.5)
    pdf.drawString(text_x, top - 12.5 * mm, "Online continuing professional development")
    return top - size


def _outcomes(w: Writer, outcomes: list[str], bottom: float) -> None:
    """The numbered outcomes, set in the largest size from 10 pt down that fits above
    `bottom`. At the smallest size, items that do not fit are left to the verification
    page, and the list says so."""
    indent = 6 * mm
    for size in (10, 9.5, 9, 8.5, 8):
        leading = size * 1.25
        gap = size * 0.45
        items = [w.lines(o, SANS, size, size, w.width - indent) for o in outcomes]
        needed = sum(len(lines) * leading + gap for _, _, lines in items)
        if w.y - needed >= bottom:
            break
    shown = 0
    for i, (font, size, lines) in enumerate(items, start=1):
        if w.y - len(lines) * leading < bottom + (leading if i < len(items) else 0):
            break
        w.pdf.setFont(SANS_SEMIBOLD, size)
        w.pdf.setFillColor(BRAND)
        w.pdf.drawString(w.x, w.y - size, f"{i}.")
        w.pdf.setFillColor(INK)
        w.pdf.setFont(font, size)
        for line in lines:
            w.y -= size
            w.pdf.drawString(w.x + indent, w.y, line)
            w.y -= leading - size
        w.y -= gap
        shown = i
    if shown < len(items):
        rest = len(items) - shown
        w.text(
            f"The other {rest} {'is' if rest == 1 else 'are'} listed on the verification page.",
            size=size,
            color=MUTED,
        )


# Lines the assessment may take, so that the outcomes and the footer keep their room.
ASSESSMENT_MAX_LINES = 5


def _assessment(w: Writer, certificate: Certificate) -> None:
    """What completing the course took, and the module quizzes with their pass marks,
    run together in a short paragraph so that the outcomes keep their room. A list too
    long for it is left to the verification page, and the paragraph says so."""
    statement = assessment_statement(certificate)
    if not statement:
        return
    w.y -= 5 * mm
    if certificate.assessed:
        modules = "; ".join(assessed_label(item) for item in certificate.assessed)
        full = f"{statement} Modules assessed by quiz: {modules}."
        _, _, lines = w.lines(full, SANS, 9.5, 9.5, w.width)
        if len(lines) <= ASSESSMENT_MAX_LINES:
            statement = full
        else:
            count = len(certificate.assessed)
            statement += (
                f" {count} module quizzes were assessed, each at its pass mark: they are "
                "listed on the verification page."
            )
    w.text(statement, size=9.5, color=MUTED, leading=1.3)


def _signature(pdf: canvas.Canvas, certificate: Certificate, x: float, y: float) -> None:
    """The course lead's line: a rule to sign on, the name and the role under it."""
    pdf.setStrokeColor(INK)
    pdf.setLineWidth(0.6)
    pdf.line(x, y, x + 62 * mm, y)
    name, role = certificate.lead_name, certificate.lead_role
    pdf.setFillColor(INK)
    pdf.setFont(font_for(name, SANS_SEMIBOLD), 11)
    pdf.drawString(x, y - 5 * mm, name)
    pdf.setFillColor(MUTED)
    pdf.setFont(font_for(role), 10)
    pdf.drawString(x, y - 9.5 * mm, role)


def _qr(pdf: canvas.Canvas, url: str, x: float, y: float, size: float) -> None:
    qr = QrCodeWidget(url, barBorder=0)
    x0, y0, x1, y1 = qr.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(qr)
    renderPDF.draw(drawing, pdf, x, y)


def _footer(pdf: canvas.Canvas, certificate: Certificate, top: float, width: float) -> None:
    """Under a rule: on the left the lead's line, the issuer's statement and the
    verification address and code; on the right the QR code of the address."""
    pdf.setStrokeColor(LINE)
    pdf.setLineWidth(0.8)
    pdf.line(MARGIN, top, width - MARGIN, top)
    qr_size = 30 * mm
    qr_x = width - MARGIN - qr_size
    _qr(pdf, verification_url(certificate), qr_x, top - 8 * mm - qr_size, qr_size)
    pdf.setFillColor(MUTED)
    pdf.setFont(SANS, 9)
    pdf.drawCentredString(qr_x + qr_size / 2, top - 13 * mm - qr_size, "Scan to verify")

    left = Writer(pdf, MARGIN, qr_x - 10 * mm - MARGIN, top - 8 * mm)
    if certificate.lead_name:
        left.y -= 13 * mm  # room to sign
        _signature(pdf, certificate, left.x, left.y)
        left.y -= 18 * mm
    left.text(issuer_statement(certificate), size=9, color=MUTED, leading=1.3, space_after=2 * mm)
    left.text(verification_url(certificate), font=SANS_SEMIBOLD, size=9.5, min_size=7, color=BRAND)
    left.text(f"Verification code: {certificate.code}", size=9.5, color=INK)


def certificate_pdf(certificate: Certificate) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"CPD certificate: {certificate.course_title}")
    pdf.setAuthor(issuer_name(certificate))
    pdf.setCreator(issuer_name(certificate))
    pdf.setSubject(f"Certificate {certificate.code}")

    _frame(pdf, width, height)
    top = _header(pdf, height - 22 * mm, issuer_name(certificate))
    w = Writer(pdf, MARGIN, width - 2 * MARGIN, top - 13 * mm)

    w.text("CERTIFICATE OF COMPLETION", font=SANS_SEMIBOLD, size=10.5, color=BRAND)
    w.y -= 3 * mm
    w.text("This certifies that", size=12, color=MUTED, space_after=2 * mm)
    w.text(certificate.name, font=SERIF, size=28, min_size=17, leading=1.2, space_after=2 * mm)
    w.text(
        f"{certificate.profession} · Registration number {certificate.registration_number}",
        size=11.5,
        min_size=9,
        color=MUTED,
        space_after=7 * mm,
    )
    w.text("has completed the online CPD course", size=12, color=MUTED, space_after=2 * mm)
    w.text(
        certificate.course_title,
        font=SANS_SEMIBOLD,
        size=17,
        min_size=13,
        leading=1.2,
        space_after=2.5 * mm,
    )
    w.text(
        f"{certificate.hours_label} · completed {certificate.completed_on:%-d %B %Y}",
        font=SANS_SEMIBOLD,
        size=12,
        color=BRAND,
    )
    issued = certificate.issued_at.date()
    if issued != certificate.completed_on:
        w.y -= 1.5 * mm
        w.text(f"This copy issued {issued:%-d %B %Y}", size=10, color=MUTED)

    footer_top = 86 * mm
    _assessment(w, certificate)
    if certificate.outcomes:
        w.y -= 9 * mm
        pdf.setStrokeColor(LINE)
        pdf.setLineWidth(0.8)
        pdf.line(w.x, w.y, w.x + w.width, w.y)
        w.y -= 6 * mm
        w.text("Learning outcomes", font=SERIF, size=13, space_after=1.5 * mm)
        w.text(
            "Having completed the course, the learner is able to:",
            size=10,
            color=MUTED,
            space_after=3 * mm,
        )
        _outcomes(w, certificate.outcomes, footer_top + 4 * mm)

    _footer(pdf, certificate, footer_top, width)

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
