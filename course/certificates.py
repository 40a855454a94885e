"""The one-page CPD certificate as a PDF (reportlab), with its verification address and
a QR code of it."""

import io
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from .models import Certificate

TEAL = colors.HexColor("#0b5d6b")
INK = colors.HexColor("#1d2430")
MUTED = colors.HexColor("#56606e")


def verification_url(certificate: Certificate) -> str:
    return settings.SITE_URL + reverse("course:certificate_verify", args=[certificate.code])


def certificate_pdf(certificate: Certificate) -> bytes:
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"CPD certificate: {certificate.course_title}")
    pdf.setAuthor("Buttock nerve pain")
    pdf.setSubject(f"Certificate {certificate.code}")

    pdf.setStrokeColor(TEAL)
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setLineWidth(0.8)
    pdf.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)

    centre = width / 2
    pdf.setFillColor(TEAL)
    pdf.setFont("Helvetica-Bold", 13)
    pdf.drawCentredString(
        centre, height - 38 * mm, "BUTTOCK NERVE PAIN · CONTINUING PROFESSIONAL DEVELOPMENT"
    )
    pdf.setFillColor(INK)
    pdf.setFont("Helvetica-Bold", 30)
    pdf.drawCentredString(centre, height - 56 * mm, "Certificate of completion")
    pdf.setFont("Helvetica", 13)
    pdf.drawCentredString(centre, height - 72 * mm, "This certifies that")
    pdf.setFont("Helvetica-Bold", 26)
    pdf.drawCentredString(centre, height - 88 * mm, certificate.name)
    pdf.setFont("Helvetica", 12)
    pdf.setFillColor(MUTED)
    pdf.drawCentredString(
        centre,
        height - 97 * mm,
        f"{certificate.profession} · registration number {certificate.registration_number}",
    )
    pdf.setFillColor(INK)
    pdf.setFont("Helvetica", 13)
    pdf.drawCentredString(centre, height - 112 * mm, "has completed the course")
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawCentredString(centre, height - 124 * mm, certificate.course_title)
    pdf.setFont("Helvetica", 13)
    hours = f"{Decimal(str(certificate.cpd_hours)).normalize():f}"
    pdf.drawCentredString(
        centre, height - 137 * mm, f"{hours} CPD hours · completed {certificate.issued_at:%d %B %Y}"
    )

    url = verification_url(certificate)
    qr = QrCodeWidget(url)
    x0, y0, x1, y1 = qr.getBounds()
    size = 34 * mm
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(qr)
    renderPDF.draw(drawing, pdf, width - 24 * mm - size, 22 * mm)
    pdf.setFont("Helvetica", 10)
    pdf.setFillColor(MUTED)
    pdf.drawString(24 * mm, 34 * mm, "Verify this certificate at:")
    pdf.setFillColor(TEAL)
    pdf.drawString(24 * mm, 28 * mm, url)
    pdf.setFillColor(MUTED)
    pdf.drawString(24 * mm, 22 * mm, f"Verification code: {certificate.code}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
