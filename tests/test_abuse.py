"""Bad input and abuse across the site: a spoofed client address does not get round the
limits, password guessing through the API meets the sign-in page's limits, and strange
values (NUL bytes, superscript digits, over-long addresses) get a 4xx, never a 500."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import RequestFactory

from lib.limits import allow, client_ip
from newsletter.models import Subscriber
from quizzes.models import Attempt
from reviews.models import Card
from tests.factories import (
    DRAFT,
    EnrollmentFactory,
    LessonFactory,
    QuizFactory,
    UserFactory,
    question_with,
)

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"

# A moment well inside a minute, so that a fixed window of the limits does not turn over
# while a test counts.
MID_MINUTE = datetime(2027, 1, 4, 9, 0, 10, tzinfo=UTC)


# --- who is asking -------------------------------------------------------------------------


def test_client_address_ignores_forwarded_for_unless_behind_a_proxy(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9"
    )
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.5"  # the client wrote that header itself
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # what our proxy saw; 1.2.3.4 is a claim


@time_machine.travel(MID_MINUTE, tick=False)  # inside one window of the limits
def test_a_limit_key_of_any_length_works():
    who = "1" * 5000
    assert all(allow("test", who, limit=3, per_seconds=60) for _ in range(3))
    assert not allow("test", who, limit=3, per_seconds=60)


@time_machine.travel(MID_MINUTE, tick=False)  # inside one window of the limits
def test_rotating_forwarded_for_does_not_get_round_the_newsletter_limit(client, settings):
    settings.NEWSLETTER_SIGNUPS_PER_IP = 3
    for i in range(6):
        client.post(
            "/newsletter/",
            {"email": f"r{i}@example.org", "consent": "on"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",
        )
    assert Subscriber.objects.count() == 3


@time_machine.travel(MID_MINUTE, tick=False)  # inside one window of the limits
def test_rotating_forwarded_for_does_not_get_round_the_verification_limit(client):
    statuses = [
        client.get(f"/certificates/guess{i}/", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code
        for i in range(32)
    ]
    assert statuses[-1] == 429
    long_header = client.get("/certificates/abc/", HTTP_X_FORWARDED_FOR="1" * 400)
    assert long_header.status_code in (404, 429)


# --- the API token -------------------------------------------------------------------------


def test_token_needs_a_confirmed_email(api_client):
    UserFactory(email="new@example.org", verified=False)
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "new@example.org", "password": PASSWORD}
    )
    assert response.status_code == 403 and "Confirm your email" in response.json()["detail"]


def test_password_guessing_through_the_api_is_stopped_per_account(api_client):
    UserFactory(email="target@example.org")
    statuses = [
        api_client.post(
            "/api/v1/auth/token/",
            {"username": "target@example.org", "password": f"guess-{i}"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",  # a new "client" each time
        ).status_code
        for i in range(8)
    ]
    assert statuses[:5] == [400] * 5 and statuses[-1] == 429
    # Locked for now even with the right password, as on the sign-in page.
    right = api_client.post(
        "/api/v1/auth/token/", {"username": "target@example.org", "password": PASSWORD}
    )
    assert right.status_code == 429


# --- strange values --------------------------------------------------------------------------


@pytest.fixture
def learner_with_quiz(client):
    quiz = QuizFactory()
    question = question_with(quiz, correct=(0,))
    user = UserFactory()
    EnrollmentFactory(user=user, course=quiz.course)
    client.force_login(user)
    return user, quiz, question


@pytest.mark.parametrize("value", ["²", "9" * 5000, "-1", "1e3", " 7"])
def test_odd_numbers_in_quiz_and_review_forms_are_not_a_server_error(
    client, learner_with_quiz, value
):
    user, quiz, question = learner_with_quiz
    response = client.post(
        f"/quizzes/{quiz.pk}/", {f"q{question.pk}": value, f"q{question.pk}-confidence": value}
    )
    assert response.status_code == 400 and not Attempt.objects.exists()
    # Make a card to answer: a first attempt, then review it with odd values.
    first = question.choices.order_by("order").first().pk
    answer = {f"q{question.pk}": first, f"q{question.pk}-confidence": 3}
    assert client.post(f"/quizzes/{quiz.pk}/", answer).status_code == 302
    card = Card.objects.get(user=user)
    for field in ("choices", "rating", "reps"):
        response = client.post(f"/review/{card.pk}/", {field: value, "shown_at": "nan"})
        assert response.status_code < 500, field


def test_nul_bytes_get_a_4xx(client, api_client):
    api_client.force_authenticate(UserFactory())
    assert client.get("/certificates/%00/").status_code == 400
    assert client.get("/pain-map/?region=%00").status_code == 400
    assert api_client.get("/api/v1/courses/%00/").status_code == 400
    assert api_client.get("/api/v1/certificates/verify/%00/").status_code == 400
    response = api_client.post("/api/v1/enrollments/", {"course": "\x00"}, format="json")
    assert response.status_code == 400 and "course" in response.json()


def test_over_long_email_addresses_are_a_form_error(client, api_client):
    address = "a" * 250 + "@example.org"
    page = client.post("/newsletter/", {"email": address, "consent": "on"})
    assert page.status_code == 400 and not Subscriber.objects.exists()
    api = api_client.post(
        "/api/v1/newsletter/subscribe/", {"email": address, "consent": True}, format="json"
    )
    assert api.status_code == 400 and "email" in api.json()
    signup = client.post(
        "/accounts/signup/",
        {"email": address, "role": "patient", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert signup.status_code == 200 and "254 characters" in signup.content.decode()
    reset = client.post("/accounts/password/reset/", {"email": address})
    assert reset.status_code == 200 and "254 characters" in reset.content.decode()


def test_feedback_does_not_point_to_a_lesson_taken_back_to_draft(api_client):
    quiz = QuizFactory()
    lesson = LessonFactory(module=quiz.module, slug="withdrawn")
    question = question_with(quiz, correct=(0,), lesson=lesson)
    user = UserFactory()
    EnrollmentFactory(user=user, course=quiz.course)
    api_client.force_authenticate(user)
    wrong = question.choices.order_by("order")[1].pk
    body = {"answers": [{"question": question.pk, "choices": [wrong]}]}
    attempt = api_client.post(f"/api/v1/quizzes/{quiz.pk}/attempts/", body, format="json").json()
    assert attempt["feedback"][0]["lesson"].endswith("/withdrawn/")
    lesson.status = DRAFT
    lesson.save()
    again = api_client.get(f"/api/v1/attempts/{attempt['id']}/").json()
    assert again["feedback"][0]["lesson"] is None
