"""Enrolling, reading in order, marking done, progress and "continue", on pages and API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from course.models import Enrollment, Lesson, LessonProgress
from tests.factories import CourseFactory, LessonFactory, ModuleFactory, UserFactory, read_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    course = CourseFactory(slug="c")
    first, second = ModuleFactory(course=course, order=1), ModuleFactory(course=course, order=2)
    LessonFactory(module=first, slug="l1", order=1, is_free=True)
    LessonFactory(module=first, slug="l2", order=2)
    LessonFactory(module=second, slug="l3", order=1)
    return course


@pytest.fixture
def learner(client):
    user = UserFactory()
    client.force_login(user)
    return user


def read(user, slug: str) -> None:
    read_lesson(user, Lesson.objects.get(slug=slug))


def test_enrol_page_flow_marks_done_in_order_and_shows_progress(client, course, learner):
    response = client.post("/courses/c/enrol/")
    assert response.url == "/courses/c/l1/"
    assert Enrollment.objects.filter(user=learner, course=course).exists()
    read(learner, "l1")
    assert client.post("/courses/c/l1/done/").url == "/courses/c/l2/"
    read(learner, "l2")
    assert client.post("/courses/c/l2/done/").url == "/courses/c/l3/"
    page = client.get("/courses/c/").content.decode()
    assert "2 of 3 lessons done" in page
    assert 'value="2"' in page and 'max="3"' in page
    assert "Continue: Lesson" in page
    # Marking the last lesson done leads back to the course page.
    read(learner, "l3")
    assert client.post("/courses/c/l3/done/").url == "/courses/c/"
    assert "3 of 3 lessons done" in client.get("/courses/c/").content.decode()


def test_mark_not_done_again(client, course, learner):
    client.post("/courses/c/enrol/")
    client.post("/courses/c/l2/done/")
    client.post("/courses/c/l2/done/", {"done": "0"})
    assert LessonProgress.objects.get(user=learner, lesson__slug="l2").completed_at is None


def test_home_shows_continue_where_you_left_off(client, course, learner):
    client.post("/courses/c/enrol/")
    read(learner, "l1")
    client.post("/courses/c/l1/done/")
    client.get("/courses/c/l3/")  # opened the third lesson last
    page = client.get("/").content.decode()
    assert "Continue where you left off" in page
    assert 'href="/courses/c/l3/">Continue: Lesson' in page


def test_locked_lesson_cannot_be_marked_done_without_enrolment(client, course, learner):
    response = client.post("/courses/c/l2/done/", follow=True)
    assert "Enrol in the course" in response.content.decode()
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()


def test_anonymous_enrol_goes_to_sign_up(client, course):
    response = client.post("/courses/c/enrol/")
    assert response.url == "/accounts/signup/?next=%2Fcourses%2Fc%2F"


def test_free_lesson_invites_anonymous_visitor_to_sign_up(client, course):
    page = client.get("/courses/c/l1/").content.decode()
    assert "SECRET-BODY-l1" in page
    assert "Sign up to enrol" in page
    assert "/accounts/signup/?next=%2Fcourses%2Fc%2F" in page


def test_api_enrol_read_and_progress(api_client, course):
    user = UserFactory()
    api_client.force_authenticate(user)
    assert api_client.get("/api/v1/courses/c/lessons/l2/").status_code == 403
    response = api_client.post("/api/v1/enrollments/", {"course": "c"}, format="json")
    assert response.status_code == 201 and response.json()["course"] == "c"
    assert (
        api_client.post("/api/v1/enrollments/", {"course": "c"}, format="json").status_code == 200
    )
    assert api_client.get("/api/v1/courses/c/lessons/l2/").status_code == 200
    read(user, "l2")
    response = api_client.post(
        "/api/v1/courses/c/lessons/l2/progress/", {"done": True}, format="json"
    )
    assert response.status_code == 200 and response.json()["done"] is True
    detail = api_client.get("/api/v1/courses/c/").json()
    assert detail["enrolled"] is True
    assert detail["progress"] == {"done": 1, "total": 3, "percent": 33}
    mine = api_client.get("/api/v1/progress/").json()["results"]
    assert [(p["lesson"], p["done"]) for p in mine] == [("l2", True)]


@pytest.mark.parametrize(
    ("body", "message"),
    [({"course": "nope"}, "does not exist"), ({}, "required"), ({"course": ""}, "")],
)
def test_api_enrol_bad_input_is_a_400_with_a_message(api_client, course, body, message):
    api_client.force_authenticate(UserFactory())
    response = api_client.post("/api/v1/enrollments/", body, format="json")
    assert response.status_code == 400
    assert message in str(response.json()["course"])


def test_api_enrol_in_a_draft_course_is_refused(api_client):
    CourseFactory(slug="hidden", status="draft")
    api_client.force_authenticate(UserFactory())
    response = api_client.post("/api/v1/enrollments/", {"course": "hidden"}, format="json")
    assert response.status_code == 400 and not Enrollment.objects.exists()


def test_api_progress_on_a_locked_lesson_is_403_and_bad_body_400(api_client, course):
    api_client.force_authenticate(UserFactory())
    url = "/api/v1/courses/c/lessons/l2/progress/"
    assert api_client.post(url, {"done": True}, format="json").status_code == 403
    api_client.post("/api/v1/enrollments/", {"course": "c"}, format="json")
    response = api_client.post(url, {"done": "perhaps"}, format="json")
    assert response.status_code == 400 and "done" in response.json()


def test_api_needs_authentication_for_enrolments(api_client):
    assert api_client.get("/api/v1/enrollments/").status_code == 401
    assert api_client.post("/api/v1/enrollments/", {"course": "c"}).status_code == 401


def test_api_token_authentication(api_client, course):
    user = UserFactory(email="tok@example.org")
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "tok@example.org", "password": "a-long-test-password"}
    )
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert (
        api_client.post("/api/v1/enrollments/", {"course": "c"}, format="json").status_code == 201
    )
    assert Enrollment.objects.filter(user=user).exists()


def test_schema_describes_the_api(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/courses/",
        "/api/v1/courses/{slug}/",
        "/api/v1/courses/{course_slug}/lessons/{lesson_slug}/",
        "/api/v1/courses/{course_slug}/lessons/{lesson_slug}/progress/",
        "/api/v1/enrollments/",
        "/api/v1/progress/",
    ):
        assert path in paths, path
    assert api_client.get("/api/docs/").status_code == 200


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(course, modules: int, lessons_each: int):
    for m in range(modules):
        module = ModuleFactory(course=course, order=10 + m)
        for i in range(lessons_each):
            LessonFactory(module=module, order=i)


@pytest.mark.parametrize("url", ["/", "/courses/c/", "/courses/c/l2/"])
def test_page_query_count_does_not_grow_with_the_course(client, course, learner, url):
    client.post("/courses/c/enrol/")
    read(learner, "l1")
    client.post("/courses/c/l1/done/")
    assert LessonProgress.objects.filter(user=learner, completed_at__isnull=False).count() == 1
    client.get(url)  # warm the session and content-type caches
    small = _count(client, url)
    _grow(course, modules=4, lessons_each=10)
    large = _count(client, url)
    assert large == small, f"{url}: {small} queries with 3 lessons, {large} with 43"
    assert large <= 18


def test_course_api_query_count_does_not_grow(api_client, course):
    api_client.force_authenticate(UserFactory())
    small = _count(api_client, "/api/v1/courses/c/")
    _grow(course, modules=4, lessons_each=10)
    assert _count(api_client, "/api/v1/courses/c/") == small <= 8
