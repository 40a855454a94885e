"""A clinician finishes the last lesson, downloads the certificate, and opens its
verification address."""

import pypdfium2
import pytest
from playwright.sync_api import expect

from completion.models import Certificate, Evaluation
from course.services import enrollment_create
from tests.e2e.nav import expect_signed_in
from tests.factories import (
    CPD_FEEDBACK,
    ClinicianFactory,
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    finish_lesson,
    give_reading_time,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_last_lesson_to_verified_certificate(live_server, page, screenshot, settings):
    settings.SITE_URL = live_server.url
    course = CourseFactory(
        slug="cpd",
        title="Telling buttock nerve pain sources apart",
        audience="clinician",
        cpd_hours=6,
        require_quizzes_passed=False,
    )
    module = ModuleFactory(course=course)
    first = LessonFactory(module=module, slug="first", order=1)
    last = LessonFactory(module=module, slug="last", order=2, title="Weighing the evidence")
    user = ClinicianFactory(email="cpd@example.org")
    user.clinician_profile.certificate_name = "Dr Mary Seacole"
    user.clinician_profile.save()
    enrollment_create(user=user, course=course)
    finish_lesson(user, first)
    give_reading_time(user, last)  # read in an earlier visit

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address", exact=True).fill("cpd@example.org")
    page.get_by_label("Password").fill("a-long-test-password")
    page.keyboard.press("Enter")
    expect_signed_in(page)
    page.goto(live_server.url + "/courses/cpd/last/")
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_text("Completed on")).to_be_visible()
    # The certificate waits for the reflection and evaluation, linked from the course page.
    page.get_by_role("link", name="A reflection: what you will change in practice").click()
    page.get_by_label("What will you change in your practice?").fill(CPD_FEEDBACK.change)
    for name in Evaluation.STATEMENTS:
        page.locator(f"input[name='{name}'][value='5']").check()
    page.get_by_role("button", name="Save and get my certificate").click()
    expect(page.get_by_text("Your CPD certificate is ready")).to_be_visible()
    page.goto(live_server.url + "/certificates/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your certificates")
    screenshot("11-certificates")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download").click()
    pdf = pypdfium2.PdfDocument(download.value.path())
    certificate = Certificate.objects.get(user=user)
    text = pdf[0].get_textpage().get_text_range()
    assert "Dr Mary Seacole" in text and certificate.code in text

    page.goto(f"{live_server.url}/certificates/{certificate.code}/")  # the address on the PDF
    assert f"{live_server.url}/certificates/{certificate.code}/" in text
    expect(page.get_by_role("status")).to_contain_text("Valid.")
    expect(page.get_by_text("Dr Mary Seacole")).to_be_visible()
    screenshot("12-verification")
