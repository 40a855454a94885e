"""/style/: every component on one page, for staff only; and /favicon.ico finds the mark."""

import pytest

from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_staff_see_every_component_and_the_contrast_of_every_pair(client):
    client.force_login(StaffFactory())
    response = client.get("/style/")
    assert response.status_code == 200
    page = response.content.decode()
    for part in ("Colours", "Buttons", "Cards and panels", "Callouts", "Forms", "Tables"):
        assert f">{part}</h2>" in page
    for component in (
        'class="button secondary"',
        'class="admonition warning"',
        'class="admonition disagree"',
        "<progress",
        'class="message error"',
        'class="errorlist"',
        'class="data"',
        'class="button rating r1"',
    ):
        assert component in page
    assert "sw-brand" in page and "--brand" in page
    assert page.count(">Fail</span>") == 0 and page.count(">Pass</span>") >= 40
    assert 'style="' not in page


@pytest.mark.parametrize("user", [None, "learner"])
def test_others_are_sent_to_the_staff_sign_in(client, user):
    if user:
        client.force_login(UserFactory())
    response = client.get("/style/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_favicon_address_leads_to_the_mark(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("img/favicon.svg")
