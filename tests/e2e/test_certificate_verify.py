"""Someone checks a certificate by the code printed on it: a valid one shows what was
assessed and its badge; a revoked one says why and when. At a phone's width and a
desktop's."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from completion.models import CourseCompletion
from completion.services import certificate_issue, certificate_reissue, certificate_revoke
from tests.factories import (
    ClinicianFactory,
    CourseFactory,
    ModuleFactory,
    QuizFactory,
    feedback_given,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _certificate(name):
    course = CourseFactory(
        slug=f"cpd-{name.split()[-1].lower()}",
        title="Telling buttock nerve pain sources apart",
        audience="clinician",
        cpd_hours=4,
        description_md="## Learning outcomes\n\n1. Describe the cluneal nerves.\n"
        "2. Screen for red flags.\n",
    )
    for order, (title, mark) in enumerate([("Anatomy", 80), ("Red flags", 70)], start=1):
        QuizFactory(module=ModuleFactory(course=course, order=order, title=title), pass_mark=mark)
    user = ClinicianFactory()
    profile = user.clinician_profile
    profile.certificate_name, profile.registration_number = name, "PH1"
    profile.save()
    now = timezone.now()
    completion = CourseCompletion.objects.create(user=user, course=course, completed_at=now)
    feedback_given(completion, now)
    return certificate_issue(completion=completion, now=now)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_typed_code_finds_a_valid_certificate(live_server, page, screenshot, settings, width):
    settings.SITE_URL = live_server.url
    certificate = _certificate("Dr Mary Seacole")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/certificates/check/")
    page.get_by_label("Verification code").fill(certificate.code.lower().replace("-", " "))
    page.get_by_role("button", name="Check the certificate").click()
    expect(page.get_by_role("status")).to_contain_text("Valid.")
    assert page.url == f"{live_server.url}/certificates/{certificate.code}/"
    expect(page.get_by_role("heading", name="What was assessed")).to_be_visible()
    expect(page.get_by_text("Red flags (pass mark 70%)")).to_be_visible()
    expect(page.get_by_role("link", name="Open Badge (JSON)")).to_be_visible()
    screenshot(f"cert-verify-valid-{width}")


@pytest.mark.parametrize("width", [390, 1280])
def test_a_revoked_certificate_says_why_and_when(live_server, page, screenshot, settings, width):
    settings.SITE_URL = live_server.url
    certificate = _certificate("Dr Ada Lovelace")
    when = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    certificate_revoke(
        certificate=certificate, reason="Registration lapsed on 1 November 2026", by=None, now=when
    )
    certificate_reissue(certificate=certificate)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/certificates/{certificate.code}/")
    expect(page.get_by_role("status")).to_contain_text("Revoked on 20 November 2026")
    expect(page.get_by_text("Registration lapsed on 1 November 2026")).to_be_visible()
    expect(page.get_by_text("Dr Ada Lovelace")).to_have_count(0)
    screenshot(f"cert-verify-revoked-{width}")
