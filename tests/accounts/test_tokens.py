"""API tokens: they expire, can be revoked by the client, and end when the password
changes, whichever way it changes."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import User
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
NEW_PASSWORD = "another-long-pass-phrase-77"


def obtain(api_client, email, password=PASSWORD):
    return api_client.post("/api/v1/auth/token/", {"username": email, "password": password})


def me_with(api_client, key):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api_client.get("/api/v1/me/")
    api_client.credentials()
    return response


@pytest.fixture
def learner():
    return UserFactory(email="tok@example.org")


def test_a_token_says_when_it_expires_and_works_until_then(api_client, learner, settings):
    settings.API_TOKEN_TTL_DAYS = 30
    response = obtain(api_client, learner.email)
    assert response.status_code == 200
    body = response.json()
    token = Token.objects.get(user=learner)
    assert body["token"] == token.key
    expires = timezone.datetime.fromisoformat(body["expires"])
    assert abs(expires - (token.created + timedelta(days=30))) < timedelta(seconds=1)
    with time_machine.travel(token.created + timedelta(days=29, hours=23)):
        assert me_with(api_client, token.key).status_code == 200


def test_an_expired_token_is_refused_with_a_reason_and_deleted(api_client, learner):
    key = obtain(api_client, learner.email).json()["token"]
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        response = me_with(api_client, key)
        assert response.status_code == 401
        assert "expired" in response.json()["detail"]
        assert not Token.objects.filter(key=key).exists()
        # Signing in again gives a new token, even with the old one still in the headers.
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        again = obtain(api_client, learner.email)
        api_client.credentials()
        assert again.status_code == 200 and again.json()["token"] != key
        assert me_with(api_client, again.json()["token"]).status_code == 200


def test_asking_again_before_expiry_gives_the_same_token_and_after_it_a_new_one(
    api_client, learner
):
    first = obtain(api_client, learner.email).json()["token"]
    assert obtain(api_client, learner.email).json()["token"] == first
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        later = obtain(api_client, learner.email).json()["token"]
    assert later != first and list(Token.objects.values_list("key", flat=True)) == [later]


def test_delete_revokes_the_token_used(api_client, learner):
    key = obtain(api_client, learner.email).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api_client.delete("/api/v1/auth/token/")
    assert response.status_code == 204 and not Token.objects.filter(key=key).exists()
    assert api_client.get("/api/v1/me/").status_code == 401
    assert api_client.delete("/api/v1/auth/token/").status_code == 401


def test_delete_without_a_token_is_401(api_client, learner):
    assert api_client.delete("/api/v1/auth/token/").status_code == 401
    api_client.force_login(learner)  # a session is not a token: nothing to revoke
    assert api_client.delete("/api/v1/auth/token/").status_code == 401


def _has_token(user) -> bool:
    return Token.objects.filter(user=user).exists()


def test_set_password_anywhere_ends_the_tokens(api_client, learner):
    """The admin, `changepassword` and any service go through set_password() and save()."""
    obtain(api_client, learner.email)
    user = User.objects.get(pk=learner.pk)
    user.set_password(NEW_PASSWORD)
    user.save()
    assert not _has_token(learner)


def test_an_unusable_password_ends_the_tokens(api_client, learner):
    obtain(api_client, learner.email)
    user = User.objects.get(pk=learner.pk)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    assert not _has_token(learner)


def test_other_saves_and_a_rehash_of_the_same_password_keep_the_tokens(api_client, learner):
    obtain(api_client, learner.email)
    user = User.objects.get(pk=learner.pk)
    user.name = "Someone else"
    user.save()
    user.save(update_fields=["name"])
    # Django re-hashes on sign-in when the hasher changes: the same password, a new hash.
    user.password = make_password(PASSWORD, salt="another-salt")
    user._password = PASSWORD
    user.save()
    assert _has_token(learner)
    # The user loaded without its password and saved whole.
    User.objects.only("email").get(pk=learner.pk).save()
    assert _has_token(learner)


def test_the_password_change_page_ends_the_tokens(api_client, client, learner):
    obtain(api_client, learner.email)
    client.force_login(learner)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert not _has_token(learner)


def test_a_password_reset_ends_the_tokens(api_client, client, learner, on_commit):
    obtain(api_client, learner.email)
    with on_commit():
        client.post("/accounts/password/reset/", {"email": learner.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body)
    form = client.get(link.group(1), follow=True)
    response = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link.group(1),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=learner.pk).check_password(NEW_PASSWORD)
    assert not _has_token(learner)


def test_the_admins_password_form_ends_the_tokens(api_client, client, learner):
    obtain(api_client, learner.email)
    client.force_login(StaffFactory())
    response = client.post(
        f"/admin/accounts/user/{learner.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert not _has_token(learner)
