"""An editor revokes a certificate from its own page: a button leads to a confirmation
that asks for the reason and an explicit "I understand"; both are required, with clear
errors; the revocation is recorded (who, when, why) and shows in the certificate's
history; the learner is emailed the reason and the verification link."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry
from django.core import mail

from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://learn.example.org"
WHEN = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def test_the_certificate_page_offers_revocation_until_it_is_revoked(
    issued, client, on_commit, django_assert_num_queries
):
    editor = StaffFactory()
    client.force_login(editor)
    page = client.get(f"/admin/completion/certificate/{issued.pk}/change/").content.decode()
    url = f"/admin/completion/certificate/{issued.pk}/revoke/"
    assert f'<a href="{url}">Revoke this certificate…</a>' in page
    with django_assert_num_queries(4):  # session, user, the certificate, it with its learner
        confirm = client.get(url)
    html = confirm.content.decode()
    assert confirm.status_code == 200 and issued.code in html and "dr@example.org" in html
    assert 'name="reason"' in html and 'type="checkbox" name="confirm"' in html
    assert "cannot be undone" in html and "the learner is emailed the reason" in html
    assert 'value="Revoke this certificate"' in html

    mail.outbox.clear()
    with time_machine.travel(WHEN, tick=False), on_commit():
        done = client.post(url, {"reason": "Registration lapsed", "confirm": "on"})
    assert done.status_code == 302 and done["Location"].endswith(f"/{issued.pk}/change/")
    issued.refresh_from_db()
    assert (issued.revoked_reason, issued.revoked_by, issued.revoked_at) == (
        "Registration lapsed",
        editor,
        WHEN,
    )
    entry = LogEntry.objects.get(object_id=str(issued.pk))
    assert (entry.user, entry.action_flag) == (editor, CHANGE)
    assert entry.get_change_message() == "Revoked: Registration lapsed"
    history = client.get(f"/admin/completion/certificate/{issued.pk}/history/").content.decode()
    assert "Revoked: Registration lapsed" in history

    (email,) = mail.outbox
    assert "The reason: Registration lapsed" in email.body
    assert f"{SITE}/certificates/{issued.code}/" in email.body
    assert f'href="{SITE}/certificates/{issued.code}/"' in email.alternatives[0][0]

    page = client.get(f"/admin/completion/certificate/{issued.pk}/change/").content.decode()
    assert "Revoke this certificate…" not in page
    shown = client.get(url).content.decode()
    assert "This certificate was revoked on 20 November 2026: Registration lapsed" in shown
    assert 'name="reason"' not in shown
    again = client.post(url, {"reason": "Twice", "confirm": "on"}, follow=True)
    assert "This certificate was revoked already." in again.content.decode()
    issued.refresh_from_db()
    assert issued.revoked_reason == "Registration lapsed" and len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"reason": "Registration lapsed"}, "Tick the box to confirm that you mean to revoke it."),
        ({"reason": "   ", "confirm": "on"}, "Give the reason for revoking."),
        ({"confirm": "on"}, "Give the reason for revoking."),
    ],
)
def test_the_reason_and_the_confirmation_are_both_required(issued, client, data, error):
    client.force_login(StaffFactory())
    mail.outbox.clear()
    response = client.post(f"/admin/completion/certificate/{issued.pk}/revoke/", data)
    html = response.content.decode()
    assert response.status_code == 200 and error in html and 'class="errornote"' in html
    issued.refresh_from_db()
    assert issued.revoked_at is None and mail.outbox == []
    assert not LogEntry.objects.exists()


def test_the_changelist_action_asks_for_the_same_confirmation_and_logs_it(issued, client):
    client.force_login(StaffFactory())
    chosen = {"action": "revoke", "_selected_action": [issued.pk], "apply": "1"}
    unconfirmed = client.post("/admin/completion/certificate/", {**chosen, "reason": "Lapsed"})
    assert "Tick the box to confirm" in unconfirmed.content.decode()
    assert LogEntry.objects.count() == 0
    client.post("/admin/completion/certificate/", {**chosen, "reason": "Lapsed", "confirm": "on"})
    issued.refresh_from_db()
    assert issued.revoked_reason == "Lapsed"
    assert LogEntry.objects.get().get_change_message() == "Revoked: Lapsed"


def test_only_staff_reach_the_confirmation(issued, client):
    client.force_login(UserFactory())
    response = client.get(f"/admin/completion/certificate/{issued.pk}/revoke/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
