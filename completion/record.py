"""The CPD record as a PDF (reportlab's page layout): what a clinician files in their
CPD portfolio for this course. Who took it; the activity, its provider, type, dates and
hours; the learning outcomes; what was assessed and how they did; their reflection; and
the certificate's code and verification address. It runs onto a second page when the
reflection is long, with the issuer and page number at the foot of each page."""

import io
from xml.sax.saxutils import escape

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from course.engagement import share_in_words
from lib.fonts import SANS, SANS_SEMIBOLD, SERIF, font_for, register_fonts
from lib.svgpdf import draw_svg
from lib.timezones import local_date

from .certificates import BRAND, INK, LINE, MARK, MUTED, verification_url
from .selectors import CpdRecord

ACTIVITY_TYPE = "Online learning: reading, with case-based assessment"
MARGIN = 20 * mm


def _style(
    name: str,
    font: str = SANS,
    size: float = 10.5,
    color: colors.Color = INK,
    before: float = 0,
    after: float = 0,
) -> ParagraphStyle:
    return ParagraphStyle(
        name,
        fontName=font,
        fontSize=size,
        leading=size * 1.35,
        textColor=color,
        spaceBefore=before,
        spaceAfter=after,
    )


BODY = _style("body")
SMALL = _style("small", size=9, color=MUTED)
LABEL = _style("label", SANS_SEMIBOLD, 9.5, color=MUTED)
OUTCOME = _style("outcome", size=9.5, after=1.5)
H1 = _style("h1", SERIF, 20, after=2 * mm)
H2 = _style("h2", SERIF, 13, color=BRAND, before=5 * mm, after=2 * mm)


def _para(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    """Text a person typed, escaped (a Paragraph reads markup), in a font that has every
    character; new lines kept."""
    safe = "<br/>".join(escape(line) for line in text.splitlines()) or "—"
    font = font_for(text, style.fontName)
    if font != style.fontName:
        style = ParagraphStyle(f"{style.name}-{font}", parent=style, fontName=font)
    return Paragraph(safe, style)


def _details(record: CpdRecord, zone: str) -> Table:
    course = record.course
    started = local_date(record.started_at, zone) if record.started_at else None
    done = f"{local_date(record.completion.completed_at, zone):%-d %B %Y}"
    rows = [
        ("Name", record.name),
        ("Profession", record.profession),
        ("Registration number", record.registration_number),
        ("Activity", course.title),
        ("Provider", settings.SITE_NAME),
        ("Type", ACTIVITY_TYPE),
        ("Dates", f"{started:%-d %B %Y} to {done}" if started else f"Completed {done}"),
        ("CPD hours", f"{course.cpd_hours.normalize():f}"),
    ]
    if record.certificate is not None:
        rows.append(("Certificate", f"{record.certificate.code} ({record.certificate.status})"))
        rows.append(("Verify at", verification_url(record.certificate)))
    table = Table(
        [[Paragraph(label, LABEL), _para(value)] for label, value in rows],
        colWidths=[42 * mm, None],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
            ]
        )
    )
    return table


def _modules(record: CpdRecord) -> Table:
    header = [Paragraph(h, LABEL) for h in ("Module quiz", "Pass mark", "Best score", "Sittings")]
    rows = [header]
    for m in record.modules:
        best = f"{m.best:.0f}%" if m.best is not None else "—"
        rows.append([_para(m.title), _para(f"{m.pass_mark}%"), _para(best), _para(str(m.attempts))])
    table = Table(rows, colWidths=[None, 24 * mm, 24 * mm, 20 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
            ]
        )
    )
    return table


def cpd_record_pdf(record: CpdRecord, *, time_zone: str, generated_on: str) -> bytes:
    """The record as PDF bytes; `generated_on` is the learner's date, printed at the foot."""
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 16 * mm,
        bottomMargin=MARGIN,
        title=f"CPD record: {record.course.title}",
        author=settings.SITE_NAME,
        subject="Continuing professional development record",
    )

    def page(pdf, doc) -> None:  # type: ignore[no-untyped-def]
        width, height = A4
        pdf.saveState()
        draw_svg(pdf, MARK, x=MARGIN, y=height - MARGIN - 10 * mm, size=10 * mm)
        pdf.setFont(SERIF, 12)
        pdf.setFillColor(INK)
        pdf.drawString(MARGIN + 13 * mm, height - MARGIN - 6 * mm, settings.SITE_NAME)
        pdf.setStrokeColor(LINE)
        pdf.line(MARGIN, MARGIN - 4 * mm, width - MARGIN, MARGIN - 4 * mm)
        pdf.setFont(SANS, 8.5)
        pdf.setFillColor(MUTED)
        pdf.drawString(
            MARGIN,
            MARGIN - 9 * mm,
            f"CPD record from {settings.SITE_NAME} · generated {generated_on}",
        )
        pdf.drawRightString(width - MARGIN, MARGIN - 9 * mm, f"Page {doc.page}")
        pdf.restoreState()

    story: list = [
        Paragraph("CPD record", H1),
        _para(
            "A record of one continuing professional development activity, for your "
            "portfolio. The reflection is in your own words.",
            SMALL,
        ),
        Spacer(0, 4 * mm),
        _details(record, time_zone),
        Paragraph("Reflection", H2),
    ]
    reflection = record.reflection
    if reflection is None:
        story.append(_para("Not written yet.", SMALL))
    else:
        if reflection.learned.strip():
            story += [
                Paragraph("What was new, or what I now see differently", LABEL),
                _para(reflection.learned),
                Spacer(0, 3 * mm),
            ]
        story.append(
            KeepTogether(
                [Paragraph("What I will change in my practice", LABEL), _para(reflection.change)]
            )
        )
    story.append(
        KeepTogether(
            [
                Paragraph("What was assessed", H2),
                _para(
                    f"Completion required every lesson read for at least {share_in_words()} "
                    "its stated reading time (timed by the platform) or its self-check "
                    "answered, and every module quiz passed at its pass mark. Each quiz "
                    "sitting draws its cases from a pool of near-miss pairs."
                ),
                Spacer(0, 2 * mm),
                _modules(record),
            ]
        )
    )
    if record.course.outcomes:
        story.append(
            KeepTogether(
                [
                    Paragraph("Learning outcomes", H2),
                    ListFlowable(
                        [
                            ListItem(_para(o, OUTCOME), leftIndent=6 * mm)  # type: ignore[misc]
                            for o in record.course.outcomes
                        ],
                        bulletType="1",
                        bulletFontName=SANS_SEMIBOLD,
                        bulletFontSize=9.5,
                        bulletColor=BRAND,
                        leftIndent=6 * mm,
                    ),
                ]
            )
        )
    doc.build(story, onFirstPage=page, onLaterPages=page)
    return buffer.getvalue()
