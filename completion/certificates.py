"""The one-page CPD certificate as a PDF (reportlab), with its verification address and
a QR code of it.

The text is set in DejaVu Sans (lib/fonts.py says why). Long names and titles are
shrunk, then wrapped, to stay inside the border.
"""

import io
from decimal import Decimal

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from lib.fonts import BOLD, REGULAR, register_fonts
from lib.urls import absolute_url

from .models import Certificate

TEAL = colors.HexColor("#0b5d6b")
INK = colors.HexColor("#1d2430")
MUTED = colors.HexColor("#56606e")


def verification_url(certificate: Certificate) -> str:
    return absolute_url("completion:certificate_verify", certificate.code)


def _centred(
    pdf: canvas.Canvas,
    text: str,
    x: float,
    y: float,
    *,
    font: str,
    size: float,
    width: float,
    min_size: float,
) -> float:
    """Draw `text` centred on `x` at height `y`, shrinking it down to `min_size` to fit
    `width`, then wrapping it onto as many lines as it needs. Returns the extra height
    the wrapped lines took."""
    while size > min_size and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    lines = simpleSplit(text, font, size, width) or [""]
    pdf.setFont(font, size)
    for i, line in enumerate(lines):
        pdf.drawCentredString(x, y - i * size * 1.2, line)
    return (len(lines) - 1) * size * 1.2


def certificate_pdf(certificate: Certificate) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    text_width = width - 60 * mm
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"CPD certificate: {certificate.course_title}")
    pdf.setAuthor("Buttock nerve pain")
    pdf.setSubject(f"Certificate {certificate.code}")

    pdf.setStrokeColor(TEAL)
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setLineWidth(0.8)
    pdf.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)

    def line(
        text: str,
        y: float,
        font: str = REGULAR,
        size: float = 13,
        min_size: float = 9,
        color: colors.Color = INK,
    ) -> float:
        pdf.setFillColor(color)
        return _centred(
            pdf, text, width / 2, y, font=font, size=size, width=text_width, min_size=min_size
        )

    y = height - 38 * mm
    line("BUTTOCK NERVE PAIN · CONTINUING PROFESSIONAL DEVELOPMENT", y, BOLD, 12, color=TEAL)
    y -= 18 * mm
    line("Certificate of completion", y, BOLD, 28)
    y -= 16 * mm
    line("This certifies that", y)
    y -= 16 * mm
    y -= line(certificate.name, y, BOLD, 26, min_size=16)
    y -= 9 * mm
    y -= line(
        f"{certificate.profession} · registration number {certificate.registration_number}",
        y,
        size=12,
        color=MUTED,
    )
    y -= 15 * mm
    line("has completed the course", y)
    y -= 12 * mm
    y -= line(certificate.course_title, y, BOLD, 18, min_size=13)
    y -= 13 * mm
    hours = f"{Decimal(str(certificate.cpd_hours)).normalize():f}"
    line(f"{hours} CPD hours · completed {certificate.completed_on:%-d %B %Y}", y)
    issued = certificate.issued_at.date()
    if issued != certificate.completed_on:
        y -= 7 * mm
        line(f"This copy issued {issued:%-d %B %Y}", y, size=10, color=MUTED)

    url = verification_url(certificate)
    qr = QrCodeWidget(url)
    x0, y0, x1, y1 = qr.getBounds()
    size = 34 * mm
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(qr)
    renderPDF.draw(drawing, pdf, width - 24 * mm - size, 22 * mm)
    pdf.setFont(REGULAR, 10)
    pdf.setFillColor(MUTED)
    pdf.drawString(24 * mm, 34 * mm, "Verify this certificate at:")
    pdf.setFillColor(TEAL)
    pdf.drawString(24 * mm, 28 * mm, url)
    pdf.setFillColor(MUTED)
    pdf.drawString(24 * mm, 22 * mm, f"Verification code: {certificate.code}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
