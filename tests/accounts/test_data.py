"""A learner's own data: the download, deleting the account, and the same through the API."""

import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from completion.models import Certificate, CourseCompletion
from course.models import LessonProgress
from course.services import enrollment_create
from newsletter.models import Subscriber
from outbox.models import OutboundEmail
from quizzes.models import Attempt, Confidence, Sitting
from quizzes.services import attempt_submit
from reviews.models import Card, CardFlag, Confusion, MemoryFit, ReviewLog
from tests.factories import (
    CPD_FEEDBACK,
    ClinicianFactory,
    LessonFactory,
    QuizFactory,
    StaffFactory,
    UserFactory,
    finish_lesson,
    question_with,
    reflect_and_evaluate,
)

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "a-long-test-password"  # the factories' password


def active_learner(cards: int = 1):
    """A clinician who finished a lesson (key-point cards), took a quiz (question cards),
    completed and holds a certificate, and gets the newsletter."""
    user = ClinicianFactory(name="Ada Byron")
    user.clinician_profile.certificate_name = "Dr Ada Byron"
    user.clinician_profile.save()
    quiz = QuizFactory(module__course__audience="clinician", module__course__cpd_hours=2)
    lesson = LessonFactory(
        module=quiz.module,
        key_points=[{"front": f"Point {i}?", "back": "Yes."} for i in range(cards)],
    )
    question = question_with(quiz, correct=(0,), lesson=lesson, prompt="Which nerve?")
    enrollment_create(user=user, course=quiz.course)
    finish_lesson(user, lesson)
    attempt = attempt_submit(
        user=user,
        quiz=quiz,
        answers={question.pk: [question.choices.order_by("order").first().pk]},
        confidences={question.pk: Confidence.SURE},
    )
    Confusion.objects.create(
        user=user,
        question=question,
        module=quiz.module,
        answer_source="superior-cluneal",
        chosen_source="sacroiliac-joint",
        at=timezone.now(),
        attempt=attempt,
    )
    card = user.cards.filter(kind="question").get()
    CardFlag.objects.create(card=card, user=user, question=question, note="Option 2 is right too")
    reflect_and_evaluate(user.completions.get())
    MemoryFit.objects.create(
        scope=MemoryFit.Scope.LEARNER,
        user=user,
        parameters=[0.5] * 21,
        fitted_at=timezone.now(),
        review_count=1,
        reason="Too few reviews.",
    )
    Subscriber.objects.create(
        email=user.email, status="active", consent_text="c", consent_at=timezone.now()
    )
    return user


def test_download_holds_everything_and_nothing_of_anyone_else(client):
    user = active_learner()
    other = active_learner()
    client.force_login(user)
    response = client.get("/accounts/details/export/")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["email"] == user.email
    settings = ("reminder_mode", "max_reviews_per_day", "light_days")
    assert [data["account"][k] for k in settings] == ["clock", 200, False]
    assert data["clinician_profile"]["certificate_name"] == "Dr Ada Byron"
    assert len(data["enrollments"]) == 1 and data["lesson_progress"][0]["completed_at"]
    assert data["lesson_progress"][0]["engaged_seconds"] >= 300  # the time read, measured
    (attempt,) = data["quiz_attempts"]
    assert attempt["answers"][0]["question"] == "Which nerve?"
    assert attempt["answers"][0]["chosen"] == ["Option 0"]
    assert attempt["answers"][0]["confidence"] == Confidence.SURE
    (confusion,) = data["confusions"]
    assert (confusion["answer_source"], confusion["chosen_source"]) == (
        "superior-cluneal",
        "sacroiliac-joint",
    )
    assert data["card_reports"][0]["note"] == "Option 2 is right too"
    assert data["reviews"][0]["in_quiz"] is True and data["contrast_pairs"] == []
    (sitting,) = data["quiz_sittings"]
    assert sitting["attempt_id"] == attempt["id"] and len(sitting["question_ids"]) == 1
    assert len(data["review_cards"]) == 2 and len(data["reviews"]) == 1
    assert data["certificates"][0]["name"] == "Dr Ada Byron"
    assert data["reflections"][0]["change"] == CPD_FEEDBACK.change
    assert data["evaluations"][0]["relevant"] == 4
    assert data["newsletter"][0]["status"] == "active"
    (fit,) = data["memory_fits"]
    assert fit["reason"] == "Too few reviews." and fit["parameters"] == [0.5] * 21
    assert other.email not in response.content.decode()


def test_download_costs_the_same_whatever_the_deck_size(client):
    small, large = active_learner(cards=1), active_learner(cards=40)
    counts = []
    for user in (small, large):
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            client.get("/accounts/details/export/")
        counts.append(len(captured))
    assert counts[0] == counts[1] <= 20  # one query a kind of record


def test_deleting_the_account_takes_everything_with_it(client):
    user, other = active_learner(), active_learner()
    code = Certificate.objects.get(user=user).code
    client.force_login(user)
    page = client.get("/accounts/delete/").content.decode()
    assert "verification links will then say" in page
    wrong = client.post("/accounts/delete/", {"password": "not-it"})
    assert wrong.status_code == 400 and "That is not your password." in wrong.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
    response = client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 302 and response.url == "/"
    assert not User.objects.filter(pk=user.pk).exists()
    for model in (
        Card,
        ReviewLog,
        Confusion,
        CardFlag,
        Attempt,
        Sitting,
        LessonProgress,
        CourseCompletion,
        Certificate,
        MemoryFit,
    ):
        assert not model.objects.filter(user_id=user.pk).exists(), model
    assert not Subscriber.objects.filter(email=user.email).exists()
    assert not OutboundEmail.objects.filter(to=user.email).exists()
    assert client.get("/certificates/").status_code == 302  # signed out
    assert client.get(f"/certificates/{code}/").status_code == 404
    # Nobody else lost anything.
    assert Card.objects.filter(user=other).count() == 2
    assert Subscriber.objects.filter(email=other.email).exists()


def test_password_guesses_when_deleting_are_limited(client):
    user = UserFactory()
    client.force_login(user)
    statuses = [client.post("/accounts/delete/", {"password": f"guess-{i}"}) for i in range(12)]
    assert "Too many attempts" in statuses[-1].content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_editors_are_not_deleted_from_their_own_page(client):
    staff = StaffFactory()
    client.force_login(staff)
    assert "Delete your account" not in client.get("/accounts/details/").content.decode()
    response = client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 302 and User.objects.filter(pk=staff.pk).exists()


def test_api_details_and_settings_follow_the_pages_rules(api_client):
    user = UserFactory(time_zone="Europe/London")
    api_client.force_authenticate(user)
    me = api_client.get("/api/v1/me/").json()
    assert me["email"] == user.email and me["weekdays"] == [0, 1, 2, 3, 4, 5, 6]
    bad = api_client.patch(
        "/api/v1/me/",
        {"desired_retention": "0.99", "time_zone": "Mars/Olympus", "role": "clinician"},
        format="json",
    )
    assert bad.status_code == 400
    errors = bad.json()
    assert {"desired_retention", "time_zone", "profession", "registration_number"} <= set(errors)
    user.refresh_from_db()
    assert user.time_zone == "Europe/London" and user.role == "patient"
    unknown = api_client.patch("/api/v1/me/", {"email": "x@example.org"}, format="json")
    assert unknown.status_code == 400 and "email" in unknown.json()["detail"]
    ok = api_client.patch(
        "/api/v1/me/",
        {"time_zone": "Asia/Tokyo", "weekdays": [0, 4], "desired_retention": "0.85"},
        format="json",
    )
    assert ok.status_code == 200, ok.json()
    user.refresh_from_db()
    assert user.time_zone == "Asia/Tokyo" and user.reminder_weekdays == 0b10001
    assert user.desired_retention == Decimal("0.85") and user.role == "patient"
    became = api_client.patch(
        "/api/v1/me/",
        {"role": "clinician", "profession": "GP", "registration_number": "GMC7"},
        format="json",
    )
    assert became.status_code == 200 and became.json()["registration_number"] == "GMC7"
    paused = api_client.post("/api/v1/me/pause-reminders/", {}, format="json").json()
    assert paused["reminders_paused_until"] is not None
    resumed = api_client.post("/api/v1/me/pause-reminders/", {"resume": True}, format="json")
    assert resumed.json()["reminders_paused_until"] is None


def test_api_export_and_delete(api_client):
    user = active_learner()
    api_client.force_authenticate(user)
    assert api_client.get("/api/v1/me/export/").json()["account"]["email"] == user.email
    wrong = api_client.post("/api/v1/me/delete/", {"password": "nope"}, format="json")
    assert wrong.status_code == 400 and "password" in wrong.json()
    assert api_client.post("/api/v1/me/delete/", {}, format="json").status_code == 400
    gone = api_client.post("/api/v1/me/delete/", {"password": PASSWORD}, format="json")
    assert gone.status_code == 204 and not User.objects.filter(pk=user.pk).exists()


def test_api_bring_back_and_subscribe_me(api_client):
    user = active_learner()
    card = Card.objects.filter(user=user).first()
    Card.objects.filter(pk=card.pk).update(is_leech=True, suspended=True, failures=8)
    other = UserFactory()
    api_client.force_authenticate(other)
    url, seen = f"/api/v1/reviews/{card.pk}/bring-back/", {"reps": card.reps}
    assert api_client.post(url, seen, format="json").status_code == 404
    api_client.force_authenticate(user)
    assert api_client.post(url, seen, format="json").status_code == 200
    card.refresh_from_db()
    assert not card.suspended and not card.is_leech
    api_client.force_authenticate(other)
    assert not Subscriber.objects.filter(email=other.email.lower()).exists()
    response = api_client.post("/api/v1/newsletter/subscribe-me/")
    assert response.status_code == 200
    assert Subscriber.objects.get(email=other.email.lower()).status == "active"


def test_api_password_guesses_when_deleting_share_the_pages_limit(api_client):
    user = UserFactory()
    api_client.force_authenticate(user)
    statuses = [
        api_client.post("/api/v1/me/delete/", {"password": f"guess-{i}"}, format="json").status_code
        for i in range(12)
    ]
    assert statuses[0] == 400 and statuses[-1] == 429
    assert User.objects.filter(pk=user.pk).exists()
