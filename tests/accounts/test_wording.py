"""Every account page allauth draws, in the site's plain, sentence-case wording: the
rendered pages (headings, labels, buttons, help texts, messages), not the templates."""

import re

import pytest
from django.core import mail

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"

# allauth's own wording, none of which may reach a page.
OLD = [
    "Sign Up",
    "Sign In",
    "Sign Out",
    "Signup",
    "Remember Me",
    "Forgot Password",
    "Forgot your password",
    "Password (again)",
    "Email Addresses",
    "Change Password",
    "Password Reset",
    "Reset My Password",
    "Verify Your Email",
    "Confirm Email Address",
    "Make Primary",
    "Re-send Verification",
    "Add Email",
    "Bad Token",
    "Successfully",
    "Email:",
    "Password:",
    'placeholder="',
]


def assert_plain(html: str) -> None:
    found = [old for old in OLD if old in html]
    assert found == [], found


@pytest.fixture(autouse=True)
def _committing(on_commit):
    global committing
    committing = on_commit


def h1(html: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1).strip()


def test_sign_in_page(client):
    html = client.get("/accounts/login/").content.decode()
    assert_plain(html)
    assert h1(html) == "Sign in"
    assert '<label for="id_login">Email address</label>' in html
    assert '<label for="id_password">Password</label>' in html
    assert '<label for="id_remember">Keep me signed in on this device</label>' in html
    assert '<a href="/accounts/password/reset/">Forgotten your password?</a>' in html
    assert ">Create an account</a>" in html
    assert '<button type="submit" class="button">Sign in</button>' in html


def test_sign_up_page(client):
    html = client.get("/accounts/signup/").content.decode()
    assert_plain(html)
    assert h1(html) == "Create an account"
    for label in ("Email address", "Choose a password", "Type the password again", "Your name"):
        assert f">{label}</label>" in html
    assert "At least 8 characters" in html
    assert '<button type="submit" class="button">Create an account</button>' in html


def test_wrong_password_and_throttle_messages_are_plain(client):
    page = client.post("/accounts/login/", {"login": "nobody@example.org", "password": "x"})
    html = page.content.decode()
    assert_plain(html)
    assert "That email address and password do not match an account." in html


def test_sign_out_and_its_message(client):
    user = UserFactory(email="sam@example.org")
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    html = client.get("/accounts/logout/").content.decode()
    assert_plain(html)
    assert h1(html) == "Sign out" and "You are signed in." in html  # the sign-in's message
    assert '<button type="submit" class="button">Sign out</button>' in html
    html = client.post("/accounts/logout/", follow=True).content.decode()
    assert "You are signed out." in html
    assert_plain(html)


def test_password_reset_and_its_steps(client):
    UserFactory(email="sam@example.org")
    html = client.get("/accounts/password/reset/").content.decode()
    assert_plain(html)
    assert h1(html) == "Forgotten your password?"
    assert '<label for="id_email">Email address</label>' in html
    assert ">Email me a link</button>" in html
    with committing():
        done = client.post("/accounts/password/reset/", {"email": "sam@example.org"}, follow=True)
    html = done.content.decode()
    assert_plain(html)
    assert h1(html) == "Check your inbox" and "link to choose a new password" in html

    path = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body)
    form = client.get(path.group(1), follow=True)
    html = form.content.decode()
    assert_plain(html)
    assert h1(html) == "Choose a new password"
    assert '<label for="id_password1">New password</label>' in html
    assert '<label for="id_password2">Type the new password again</label>' in html
    assert ">Save my new password</button>" in html
    new = "another-long-password"
    changed = client.post(
        form.redirect_chain[-1][0], {"password1": new, "password2": new}, follow=True
    )
    html = changed.content.decode()
    assert_plain(html)
    assert h1(html) == "Your password is changed"

    bad = client.get("/accounts/password/reset/key/1-set-password/", follow=True)
    html = bad.content.decode()
    assert_plain(html)
    assert h1(html) == "This link does not work any more" and "Ask for a new link" in html


def test_password_change(client):
    client.force_login(UserFactory())
    html = client.get("/accounts/password/change/").content.decode()
    assert_plain(html)
    assert h1(html) == "Change your password"
    assert '<label for="id_oldpassword">Current password</label>' in html
    new = "another-long-password"
    data = {"oldpassword": PASSWORD, "password1": new, "password2": new}
    html = client.post("/accounts/password/change/", data, follow=True).content.decode()
    assert "Your password is changed." in html


def test_email_addresses(client):
    client.force_login(UserFactory(email="sam@example.org"))
    html = client.get("/accounts/email/").content.decode()
    assert_plain(html)
    assert h1(html) == "Your email addresses"
    assert "Main address" in html and "Confirmed" in html
    assert ">Make it my main address</button>" in html
    assert ">Send the confirmation link again</button>" in html
    assert '<label for="id_email">New email address</label>' in html
    with committing():
        added = client.post(
            "/accounts/email/", {"email": "new@example.org", "action_add": ""}, follow=True
        )
    html = added.content.decode()
    assert_plain(html)
    assert "We have emailed a confirmation link to new@example.org." in html
    assert "Not confirmed yet" in html


def test_verification_sent_and_confirm_pages(client):
    with committing():
        client.post(
            "/accounts/signup/",
            {
                "email": "pat@example.org",
                "role": "patient",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    html = client.get("/accounts/confirm-email/").content.decode()
    assert_plain(html)
    assert h1(html) == "Check your inbox" and "confirm your address" in html
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
    html = client.get(link.group(1)).content.decode()
    assert_plain(html)
    assert h1(html) == "Confirm your email address"
    assert "<strong>pat@example.org</strong>" in html and ">Confirm my address</button>" in html
    html = client.get("/accounts/confirm-email/not-a-key/").content.decode()
    assert_plain(html)
    assert h1(html) == "This link does not work any more"
