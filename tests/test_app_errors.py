"""Services raise one application error type, AppError, with a kind and no HTTP status;
the API's one exception handler maps each kind to a status and a JSON body."""

import importlib
import inspect
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from config.errors import STATUS_OF_KIND
from course.services import enrollment_create, lesson_set_done
from lib.errors import AppError, ErrorKind
from me.data import user_delete
from newsletter.services import BadLink, confirm
from quizzes.services import AlreadySubmitted, AnswersIncomplete
from reviews.services import StaleReview, card_bring_back, review_record
from tests.factories import (
    CourseFactory,
    LessonFactory,
    StaffFactory,
    UserFactory,
    reviewed_key_point_card,
)

pytestmark = pytest.mark.django_db


def answer_to(exc: Exception):
    """What the API answers when a view raises `exc`."""

    class Raising(APIView):
        permission_classes = [AllowAny]

        def get(self, request):
            raise exc

    return Raising.as_view()(APIRequestFactory().get("/api/v1/anything/"))


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (ErrorKind.INVALID, 400),
        (ErrorKind.SIGN_IN, 401),
        (ErrorKind.NOT_ALLOWED, 403),
        (ErrorKind.ALREADY_DONE, 409),
        (ErrorKind.STALE, 409),
        (ErrorKind.NOT_YET, 409),
        (ErrorKind.COOLING_DOWN, 429),
    ],
)
def test_each_kind_is_answered_with_its_status_and_the_message(kind, status):
    response = answer_to(AppError("Plain words for the learner.", kind))
    assert response.status_code == status
    assert response.data == {"detail": "Plain words for the learner."}


def test_every_kind_has_one_status():
    assert set(STATUS_OF_KIND) == set(ErrorKind)


def test_not_found_says_only_not_found_like_every_api_404():
    response = answer_to(AppError("No such card.", ErrorKind.NOT_FOUND))
    assert response.status_code == 404
    assert response.data == {"detail": "Not found."}


def test_sign_in_names_the_scheme_to_sign_in_by():
    response = answer_to(AppError("Sign in to take this quiz.", ErrorKind.SIGN_IN))
    assert response.status_code == 401 and response["WWW-Authenticate"]


def test_the_extra_facts_stand_beside_the_message():
    response = answer_to(StaleReview("Load the card again.", reps=3))
    assert response.status_code == 409
    assert response.data == {"detail": "Load the card again.", "reps": 3}
    response = answer_to(AnswersIncomplete("1 question needs an answer.", problems={7: "No."}))
    assert response.status_code == 400
    assert response.data == {"detail": "1 question needs an answer.", "questions": {"7": "No."}}
    assert answer_to(AlreadySubmitted(None)).data == {
        "detail": "This submission was already recorded."
    }


def test_other_exceptions_keep_drf_answers():
    assert answer_to(ValidationError({"reps": ["Required."]})).data == {"reps": ["Required."]}


# --- services speak the domain -----------------------------------------------------------

SERVICE_MODULES = [
    "accounts.services",
    "course.services",
    "quizzes.services",
    "reviews.services",
    "completion.services",
    "reminders.services",
    "newsletter.services",
    "me.data",
    "me.services",
]


@pytest.mark.parametrize("name", SERVICE_MODULES)
def test_every_error_a_service_module_defines_is_an_app_error(name):
    module = importlib.import_module(name)
    errors = [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, BaseException) and cls.__module__ == name
    ]
    assert all(issubclass(cls, AppError) for cls in errors), errors


def test_a_card_that_is_not_yours_is_not_found_without_an_http_status():
    owner, other = UserFactory(), UserFactory()
    lesson = LessonFactory()
    now = timezone.now()
    card = reviewed_key_point_card(owner, lesson, due=now, last_review=now - timedelta(days=3))
    card.save()
    with pytest.raises(AppError) as error:
        review_record(user=other, card_id=card.pk, reps=0, rating=3, now=now)
    assert error.value.kind is ErrorKind.NOT_FOUND
    assert not hasattr(error.value, "status")
    with pytest.raises(StaleReview) as stale:
        card_bring_back(user=owner, card_id=card.pk, reps=5)
    assert stale.value.kind is ErrorKind.STALE and stale.value.reps == 0


def test_course_services_say_sign_in_and_enrol_first():
    lesson = LessonFactory()
    with pytest.raises(AppError) as error:
        enrollment_create(user=AnonymousUser(), course=CourseFactory())
    assert error.value.kind is ErrorKind.SIGN_IN
    with pytest.raises(AppError) as error:
        lesson_set_done(user=UserFactory(), lesson=lesson)
    assert error.value.kind is ErrorKind.NOT_ALLOWED
    assert error.value.message == "Enrol in the course to track this lesson."


def test_an_editors_account_is_not_deleted_from_its_own_page():
    with pytest.raises(AppError) as error:
        user_delete(user=StaffFactory())
    assert error.value.kind is ErrorKind.INVALID and "administrator" in error.value.message


def test_a_changed_newsletter_link_is_an_app_error():
    with pytest.raises(BadLink) as error:
        confirm(token="not-a-token")
    assert isinstance(error.value, AppError) and error.value.reason == "invalid"
