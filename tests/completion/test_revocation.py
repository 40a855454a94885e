"""Revoking a certificate: for a reason, by someone, at a time; the learner is emailed
through the outbox; and the code says "revoked" for good, even after a reissue."""

from datetime import UTC, datetime

import pytest

from completion.models import Certificate
from completion.services import certificate_reissue, certificate_revoke
from lib.errors import AppError
from outbox.models import OutboundEmail
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def _revoked_emails():
    return OutboundEmail.objects.filter(subject__startswith="Your CPD certificate was revoked")


def test_revoking_records_why_who_and_when_and_emails_the_learner(issued, on_commit):
    admin = StaffFactory()
    with on_commit():
        assert certificate_revoke(
            certificate=issued, reason="  Registration   lapsed ", by=admin, now=WHEN
        )
    issued.refresh_from_db()
    assert (issued.status, issued.revoked_reason) == ("revoked", "Registration lapsed")
    assert (issued.revoked_by, issued.revoked_at) == (admin, WHEN)
    email = _revoked_emails().get()
    assert email.to == "dr@example.org"
    assert email.subject == f"Your CPD certificate was revoked: {issued.course_title}"
    assert "Registration lapsed" in email.body_text and "20 November 2026" in email.body_text
    assert f"/certificates/{issued.code}/" in email.body_text
    assert "Registration lapsed" in email.body_html and not email.attachment_name


def test_a_second_revocation_changes_nothing_and_sends_nothing(issued, on_commit):
    with on_commit():
        assert certificate_revoke(certificate=issued, reason="First", by=None, now=WHEN)
        assert not certificate_revoke(certificate=issued, reason="Second", by=StaffFactory())
    issued.refresh_from_db()
    assert (issued.revoked_reason, issued.revoked_at, issued.revoked_by) == ("First", WHEN, None)
    assert _revoked_emails().count() == 1


@pytest.mark.parametrize("reason", ["", "   ", "x" * 201])
def test_a_reason_is_required_and_fits_the_page(issued, reason):
    with pytest.raises(AppError):
        certificate_revoke(certificate=issued, reason=reason, by=None)
    issued.refresh_from_db()
    assert issued.revoked_at is None and not _revoked_emails().exists()


def test_a_revoked_then_reissued_code_still_says_revoked_and_points_nowhere(
    issued, client, api_client, on_commit
):
    with on_commit():
        certificate_revoke(certificate=issued, reason="Issued in error", by=None, now=WHEN)
        new = certificate_reissue(certificate=issued)
    issued.refresh_from_db()
    assert issued.replaced_by == new and issued.status == "revoked"
    response = client.get(f"/certificates/{issued.code}/")
    page = " ".join(response.content.decode().split())
    assert "Revoked</strong> on 20 November 2026" in page and "Issued in error" in page
    assert "Replaced." not in page and new.code not in page
    assert "Dr Ada Lovelace" not in page  # a revoked record names no one
    data = api_client.get(f"/api/v1/certificates/verify/{issued.code}/").json()
    assert data["status"] == "revoked" and data["revoked_reason"] == "Issued in error"
    assert new.code not in str(data)
    assert "Valid." in client.get(f"/certificates/{new.code}/").content.decode()


def test_the_learners_list_shows_the_revocation(issued, api_client, client):
    certificate_revoke(certificate=issued, reason="Issued in error", by=None, now=WHEN)
    api_client.force_authenticate(issued.user)
    mine = api_client.get("/api/v1/certificates/").json()["results"][0]
    assert mine["status"] == "revoked" and mine["revoked_reason"] == "Issued in error"
    assert mine["revoked_at"].startswith("2026-11-20T10:00:00")


def test_the_admin_asks_for_a_reason_before_revoking(issued, client, on_commit):
    admin = StaffFactory()
    client.force_login(admin)
    chosen = {"action": "revoke", "_selected_action": [issued.pk]}
    page = client.post("/admin/completion/certificate/", chosen)
    html = page.content.decode()
    assert page.status_code == 200 and 'name="reason"' in html and issued.code in html
    assert Certificate.objects.get().revoked_at is None

    blank = client.post(
        "/admin/completion/certificate/", {**chosen, "apply": "1", "reason": " ", "confirm": "on"}
    )
    assert blank.status_code == 200 and "Give the reason for revoking." in blank.content.decode()
    assert Certificate.objects.get().revoked_at is None

    with on_commit():
        done = client.post(
            "/admin/completion/certificate/",
            {**chosen, "apply": "1", "reason": "Registration lapsed", "confirm": "on"},
            follow=True,
        )
    assert "Revoked 1 certificate; the learner was emailed." in done.content.decode()
    issued.refresh_from_db()
    assert (issued.revoked_reason, issued.revoked_by) == ("Registration lapsed", admin)
    assert _revoked_emails().count() == 1

    again = client.post("/admin/completion/certificate/", chosen)
    assert "None of the selected certificates can be revoked." in again.content.decode()
