"""The certificate PDF: the issuer's mark and statement, the learner, the course with its
outcomes, the lead's line, the verification address; and the pages that show the same."""

import ctypes
import re
from datetime import date, timedelta
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_raw
import pytest
from django.utils import timezone
from reportlab.pdfgen.canvas import Canvas

from completion.certificates import MARK, certificate_pdf, issuer_statement
from completion.models import CourseCompletion
from completion.services import certificate_issue
from lib.fonts import FALLBACK, SANS, SERIF, font_for, unprintable
from lib.svgpdf import SvgError, draw_svg
from tests.factories import ClinicianFactory, CourseFactory, feedback_given

pytestmark = pytest.mark.django_db

OUTCOMES = [
    "Describe the course and skin territory of the superior, middle and inferior cluneal "
    "nerves, and say where the anatomical sources disagree.",
    "Screen every patient with buttock pain for red flags, and refer with the right urgency.",
    "Appraise a new claim about buttock nerve pain: prevalence, anatomy, or a treatment series.",
]
DESCRIPTION = "## Learning outcomes\n\n" + "\n".join(
    f"{i}. {outcome}" for i, outcome in enumerate(OUTCOMES, start=1)
)


@pytest.fixture
def certificate(on_commit):
    course = CourseFactory(
        slug="cpd",
        title="Telling buttock nerve pain sources apart",
        audience="clinician",
        cpd_hours=4,
        description_md=DESCRIPTION,
        lead_name="Clinical editorial team",
        lead_role="Course lead",
    )
    user = ClinicianFactory(email="dr@example.org")
    profile = user.clinician_profile
    profile.certificate_name = "Dr Ada Lovelace"
    profile.profession = "Physiotherapist"
    profile.registration_number = "PH123456"
    profile.save()
    now = timezone.now()
    completion = CourseCompletion.objects.create(user=user, course=course, completed_at=now)
    feedback_given(completion, now)
    with on_commit():
        return certificate_issue(completion=completion, now=now)


def _page(data: bytes):
    document = pypdfium2.PdfDocument(data)
    assert len(document) == 1
    return document[0]


def _words(page) -> str:
    """The page's text with line breaks as spaces, so wrapped lines read as one."""
    return " ".join(page.get_textpage().get_text_range().split())


def test_the_pdf_says_who_completed_what_and_who_vouches_for_it(certificate, settings):
    page = _page(certificate_pdf(certificate))
    text = _words(page)
    for expected in [
        "Buttock nerve pain",
        "Certificate of completion".upper(),
        "Dr Ada Lovelace",
        "Physiotherapist · Registration number PH123456",
        "Telling buttock nerve pain sources apart",
        f"4 CPD hours · completed {certificate.completed_on:%-d %B %Y}",
        "Learning outcomes",
        *OUTCOMES,
        "Clinical editorial team Course lead",
        " ".join(issuer_statement(certificate).split()),
        f"{settings.SITE_URL}/certificates/{certificate.code}/",
        f"Verification code: {certificate.code}",
    ]:
        assert expected in text, expected
    assert re.search(r"1\. Describe .* 2\. Screen .* 3\. Appraise", text)


def test_the_statement_names_the_issuer_the_hours_and_how_to_verify(certificate):
    statement = issuer_statement(certificate)
    assert statement.startswith("Issued by Buttock nerve pain")
    assert "online continuing professional development course" in statement
    assert "4 CPD hours" in statement and f"{certificate.completed_on:%-d %B %Y}" in statement
    assert "verification address" in statement and "QR code" in statement


def test_the_lead_signs_under_a_rule(certificate):
    page = _page(certificate_pdf(certificate))
    text = page.get_textpage()
    found = text.search("Clinical editorial team")
    index, _ = found.get_next()
    _, name_bottom, _, name_top = text.get_charbox(index)
    found = text.search("Course lead")
    index, _ = found.get_next()
    _, _, _, role_top = text.get_charbox(index)
    assert role_top < name_bottom  # the role under the name
    rules = [
        bounds
        for bounds in (
            obj.get_bounds()
            for obj in page.get_objects()
            if obj.type == pdfium_raw.FPDF_PAGEOBJ_PATH
        )
        if bounds[3] - bounds[1] < 2 and bounds[2] - bounds[0] > 100  # a horizontal line
    ]
    assert any(name_top < bottom < name_top + 30 for _, bottom, _, _ in rules)


def _colours(page, getter) -> list[str]:
    colours = []
    for obj in page.get_objects(max_depth=5):
        if obj.type == pdfium_raw.FPDF_PAGEOBJ_PATH:
            r, g, b, a = (ctypes.c_uint() for _ in range(4))
            if getter(obj, r, g, b, a):
                colours.append(f"#{r.value:02x}{g.value:02x}{b.value:02x}")
    return colours


def test_the_issuers_mark_is_drawn_as_vectors_in_its_colours(certificate):
    page = _page(certificate_pdf(certificate))
    fills = _colours(page, pdfium_raw.FPDFPageObj_GetFillColor)
    strokes = _colours(page, pdfium_raw.FPDFPageObj_GetStrokeColor)
    assert "#0b5d6b" in fills  # the tile
    assert fills.count("#ffbf47") >= 4  # the nerve endings
    assert "#ffffff" in strokes  # the nerve
    images = [o for o in page.get_objects() if o.type == pdfium_raw.FPDF_PAGEOBJ_IMAGE]
    assert not images


def test_the_sites_typefaces_are_embedded(certificate):
    data = certificate_pdf(certificate)
    assert b"SourceSerif4-Semibold" in data and b"SourceSans3-Regular" in data


@pytest.mark.parametrize(
    "name",
    [
        "Łucja Dąbrowska-Nguyễn Παπαδοπούλου Иванова",
        "Արամ Խաչատրյան",  # Armenian: DejaVu has it, the Source fonts do not
        "山田 太郎 😀",  # no font of ours has the Han letters: boxes, but still a certificate
    ],
)
def test_a_name_in_any_script_still_makes_a_certificate(certificate, name):
    certificate.name = name
    text = _words(_page(certificate_pdf(certificate)))
    assert "Verification code" in text
    if not unprintable(name):
        assert name in text


def test_fonts_fall_back_to_dejavu_for_a_whole_run():
    assert font_for("Dr Ada Lovelace", SERIF) == SERIF
    assert font_for("Παπαδοπούλου", SANS) == SANS
    assert font_for("Արամ", SANS) == FALLBACK
    assert unprintable("Łucja Παπα Иван Արամ") == []
    assert unprintable("山田 太郎") == ["山", "田", "太", "郎"]


def test_outcomes_that_cannot_fit_are_left_to_the_verification_page(certificate, client):
    certificate.outcomes = [
        f"Outcome {i}: " + "a long and careful sentence " * 12 for i in range(20)
    ]
    certificate.save()
    page = _page(certificate_pdf(certificate))
    width, height = page.get_size()
    text = page.get_textpage()
    boxes = [text.get_charbox(i) for i in range(text.count_chars())]
    assert all(left >= 0 and right <= width and bottom >= 0 for left, bottom, right, _ in boxes)
    words = _words(page)
    assert re.search(r"The other \d+ are listed on the verification page", words)
    assert "Verification code" in words  # the footer is still there, below them
    verify = client.get(f"/certificates/{certificate.code}/").content.decode()
    assert verify.count("<li>Outcome ") == 20


def test_a_certificate_keeps_the_outcomes_and_lead_it_was_issued_with(certificate):
    course = certificate.course
    course.description_md = "## Learning outcomes\n\n1. Something else.\n"
    course.lead_name = "Someone else"
    course.save()
    certificate.refresh_from_db()
    assert certificate.outcomes == OUTCOMES and certificate.lead_name == "Clinical editorial team"


def test_without_a_lead_there_is_no_signature_line(certificate):
    certificate.lead_name = certificate.lead_role = ""
    text = _words(_page(certificate_pdf(certificate)))
    assert "Course lead" not in text and "Issued by Buttock nerve pain" in text


def test_a_reissue_and_an_hour_in_the_singular(certificate):
    certificate.cpd_hours = 1
    certificate.issued_at = timezone.now() + timedelta(days=3)
    certificate.completed_on = date(2026, 11, 27)
    text = _words(_page(certificate_pdf(certificate)))
    assert "1 CPD hour · completed 27 November 2026" in text
    assert f"This copy issued {certificate.issued_at:%-d %B %Y}" in text


def test_the_verification_page_shows_the_mark_outcomes_lead_and_statement(certificate, client):
    response = client.get(f"/certificates/{certificate.code}/")
    page = response.content.decode()
    assert 'class="cert-record"' in page
    assert 'class="mark"' in page and "Online continuing professional development" in page
    assert "Valid." in page
    for outcome in OUTCOMES:
        assert f"<li>{outcome}</li>" in page
    assert "<dt>Course lead</dt><dd>Clinical editorial team</dd>" in page
    assert issuer_statement(certificate) in page.replace("&#x27;", "'")
    assert " style=" not in page and "<style" not in page


def test_a_code_that_is_not_valid_shows_no_statement(certificate, client):
    page = client.get("/certificates/not-a-code/").content.decode()
    assert "Not found." in page and "Issued by" not in page


def test_my_certificates_shows_the_issuer_and_each_certificate(certificate, client):
    client.force_login(certificate.user)
    page = client.get("/certificates/").content.decode()
    assert 'class="cert-card' in page and 'class="mark"' in page
    assert "Certificates are issued by Buttock nerve pain" in page
    assert "4 CPD hours · completed" in page and certificate.code in page
    assert f'href="/certificates/{certificate.code}/pdf/">Download PDF' in page
    assert " style=" not in page and "<style" not in page


def test_the_mark_drawn_is_the_sites_own_file_and_anything_else_is_refused(tmp_path):
    assert Path(__file__).resolve().parents[2] / "static" / "img" / "mark.svg" == MARK
    bad = tmp_path / "bad.svg"
    bad.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48">'
        '<path fill="#000000" d="M0 0a4 4 0 0 1 8 8"/></svg>'
    )
    with pytest.raises(SvgError, match="command 'a'"):
        draw_svg(Canvas(str(tmp_path / "x.pdf")), bad, x=0, y=0, size=10)
