import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import ClinicianProfile, User
from outbox.models import OutboundEmail

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def _commit_hooks(on_commit):
    global _committing
    _committing = on_commit


def _signup(client, **fields):
    data = {
        "email": "sam@example.org",
        "name": "Sam",
        "role": "patient",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **fields,
    }
    with _committing():
        return client.post("/accounts/signup/", data)


def _confirm_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body).group(1)


def test_patient_signs_up_confirms_and_is_signed_in(client):
    response = _signup(client)
    assert response.status_code == 302 and response.url == "/accounts/confirm-email/"
    user = User.objects.get(email="sam@example.org")
    assert user.role == "patient" and user.name == "Sam"
    assert not ClinicianProfile.objects.filter(user=user).exists()
    # The email was recorded, then sent by the (eager) worker.
    row = OutboundEmail.objects.get(to="sam@example.org")
    assert row.sent_at is not None
    assert len(mail.outbox) == 1 and "confirm your email" in mail.outbox[0].subject
    assert "Hello from Buttock nerve pain" in mail.outbox[0].body
    link = _confirm_link(mail.outbox[0])
    assert client.get(link).status_code == 200  # a page with a button, not a GET side effect
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.get("/").context["user"] == user


def test_clinician_must_give_profession_and_registration(client):
    response = _signup(client, role="clinician")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["profession"] == ["Health professionals need to give this."]
    assert errors["registration_number"] == ["Health professionals need to give this."]
    assert not User.objects.exists()


def test_clinician_signup_keeps_profession_and_registration(client):
    _signup(client, role="clinician", profession="Physiotherapist", registration_number="PHY123")
    profile = ClinicianProfile.objects.get(user__email="sam@example.org")
    assert (profile.profession, profile.registration_number) == ("Physiotherapist", "PHY123")
    assert profile.user.is_clinician


def test_unconfirmed_user_cannot_sign_in_yet(client):
    _signup(client)
    client.logout()
    response = client.post("/accounts/login/", {"login": "sam@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


def test_sign_in_with_email_sign_out_and_reset_password(client):
    _signup(client)
    client.post(_confirm_link(mail.outbox[0]))
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session
    response = client.post("/accounts/login/", {"login": "SAM@example.org", "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    client.post("/accounts/logout/")
    with _committing():
        client.post("/accounts/password/reset/", {"email": "sam@example.org"})
    reset = mail.outbox[-1]
    assert reset.subject == "Reset your password"
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)", reset.body).group(1)
    form_url = client.get(link).url  # allauth moves the key into the session first
    response = client.post(
        form_url, {"password1": "another-long-password", "password2": "another-long-password"}
    )
    assert response.status_code == 302
    assert client.login(email="sam@example.org", password="another-long-password")


def test_repeated_failed_sign_ins_are_throttled(client):
    _signup(client)
    client.post(_confirm_link(mail.outbox[0]))
    client.post("/accounts/logout/")
    pages = [
        client.post("/accounts/login/", {"login": "sam@example.org", "password": "wrong"})
        for _ in range(6)
    ]
    assert all(page.status_code == 200 for page in pages)
    assert "Too many attempts to sign in" not in pages[0].content.decode()
    assert "Too many attempts to sign in" in pages[-1].content.decode()
    # Even the right password is refused while the limit holds.
    page = client.post("/accounts/login/", {"login": "sam@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session and page.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, title",
    [
        ("/accounts/signup/", "Create an account"),
        ("/accounts/login/", "Sign in"),
        ("/accounts/password/reset/", "Forgotten your password?"),
    ],
)
def test_account_pages_are_titled_in_plain_sentence_case(client, url, title):
    page = client.get(url).content.decode()
    assert f"<title>{title} · Buttock nerve pain</title>" in page
    # Signing up is the page's business: no newsletter sign-up in its footer.
    assert 'id="footer-newsletter-heading"' not in page


@pytest.mark.django_db
def test_a_wrong_password_is_announced_first(client):
    response = client.post("/accounts/login/", {"login": "nobody@example.org", "password": "x"})
    page = response.content.decode()
    summary = page.index('class="error-summary" role="alert"')
    assert summary < page.index('name="login"')
    assert "do not match an account" in page[summary : page.index('name="login"')]
