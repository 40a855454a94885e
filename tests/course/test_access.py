"""The access rules as a table: who sees which lesson, through the page and the API."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from course.access import (
    LessonAccess,
    lesson_access,
    lesson_is_live,
    lesson_is_visible_to,
    lessons_visible_to,
)
from quizzes.access import quizzes_visible_to
from reviews.selectors import visible_cards
from tests.factories import (
    DRAFT,
    ClinicianFactory,
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    ModuleFactory,
    QuizFactory,
    StaffFactory,
    UserFactory,
    reviewed_key_point_card,
)

pytestmark = pytest.mark.django_db

OPEN, LOCKED, HIDDEN = LessonAccess.OPEN, LessonAccess.LOCKED, LessonAccess.HIDDEN

# Lessons: free; locked (a course the user is not enrolled in); enrolled (a course the
# patient and the clinician are enrolled in); draft; scheduled for tomorrow.
TABLE = {
    #             free   locked  enrolled  draft   scheduled
    "anonymous": (OPEN, LOCKED, LOCKED, HIDDEN, HIDDEN),
    "patient": (OPEN, LOCKED, OPEN, HIDDEN, HIDDEN),
    "clinician": (OPEN, LOCKED, OPEN, HIDDEN, HIDDEN),
    "staff": (OPEN, OPEN, OPEN, OPEN, OPEN),
}
KINDS = ("free", "locked", "enrolled", "draft", "scheduled")
CASES = [(who, kind, TABLE[who][i]) for who in TABLE for kind in KINDS for i in [KINDS.index(kind)]]


@pytest.fixture
def world():
    other = CourseFactory(slug="other")
    mine = CourseFactory(slug="mine")
    other_module = ModuleFactory(course=other)
    module = ModuleFactory(course=mine)
    lessons = {
        "free": LessonFactory(module=other_module, slug="free", is_free=True),
        "locked": LessonFactory(module=other_module, slug="locked"),
        "enrolled": LessonFactory(module=module, slug="enrolled"),
        "draft": LessonFactory(module=module, slug="draft", status=DRAFT),
        "scheduled": LessonFactory(
            module=module, slug="scheduled", publish_at=timezone.now() + timedelta(days=1)
        ),
    }
    users = {
        "anonymous": None,
        "patient": UserFactory(),
        "clinician": ClinicianFactory(),
        "staff": StaffFactory(),
    }
    EnrollmentFactory(user=users["patient"], course=mine)
    EnrollmentFactory(user=users["clinician"], course=mine)
    return lessons, users


def _login(client, user):
    if user is not None:
        client.force_login(user)


@pytest.mark.parametrize(("who", "kind", "expected"), CASES)
def test_lesson_page_follows_the_table(client, world, who, kind, expected):
    lessons, users = world
    lesson = lessons[kind]
    _login(client, users[who])
    response = client.get(lesson.get_absolute_url())
    secret = f"SECRET-BODY-{lesson.slug}"
    if expected is HIDDEN:
        assert response.status_code == 404
    elif expected is LOCKED:
        assert response.status_code == 200
        assert secret not in response.content.decode()
        assert lesson.summary in response.content.decode()
        assert "Enrol" in response.content.decode()
    else:
        assert response.status_code == 200
        assert secret in response.content.decode()


@pytest.mark.parametrize(("who", "kind", "expected"), CASES)
def test_lesson_api_follows_the_table(api_client, world, who, kind, expected):
    lessons, users = world
    lesson = lessons[kind]
    if users[who]:
        api_client.force_authenticate(users[who])
    response = api_client.get(f"/api/v1/courses/{lesson.course.slug}/lessons/{lesson.slug}/")
    if expected is HIDDEN:
        assert response.status_code == 404
    elif expected is LOCKED:
        assert response.status_code == (401 if who == "anonymous" else 403)
        assert "SECRET-BODY" not in response.content.decode()
        assert "enrol" in response.json()["detail"].lower()
    else:
        assert response.status_code == 200
        assert f"SECRET-BODY-{lesson.slug}" in response.json()["body_html"]


@pytest.mark.parametrize(("who", "kind", "expected"), CASES)
def test_access_function_follows_the_table(world, who, kind, expected):
    lessons, users = world
    assert lesson_access(users[who] or AnonymousUser(), lessons[kind]) is expected


@pytest.mark.parametrize("who", ["anonymous", "patient", "staff"])
def test_course_api_lists_locked_lessons_without_body_and_hides_drafts(api_client, world, who):
    lessons, users = world
    if users[who]:
        api_client.force_authenticate(users[who])
    data = api_client.get("/api/v1/courses/mine/").json()
    listed = {lesson["slug"]: lesson for m in data["modules"] for lesson in m["lessons"]}
    assert "SECRET-BODY" not in str(data)
    if who == "staff":
        assert set(listed) == {"enrolled", "draft", "scheduled"}
    else:
        assert set(listed) == {"enrolled"}
        assert listed["enrolled"]["access"] == ("open" if who == "patient" else "locked")


def test_scheduled_lesson_appears_when_its_time_comes(client, world):
    lessons, users = world
    client.force_login(users["patient"])
    url = lessons["scheduled"].get_absolute_url()
    assert client.get(url).status_code == 404
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert client.get(url).status_code == 200


def test_draft_module_or_course_hides_its_published_lessons(client, world):
    lessons, users = world
    client.force_login(users["patient"])
    lesson = lessons["enrolled"]
    lesson.module.status = DRAFT
    lesson.module.save()
    assert client.get(lesson.get_absolute_url()).status_code == 404
    lesson.module.status = "published"
    lesson.module.save()
    lesson.course.status = DRAFT
    lesson.course.save()
    assert client.get(lesson.get_absolute_url()).status_code == 404
    assert client.get(lesson.course.get_absolute_url()).status_code == 404
    assert "mine" not in [c["slug"] for c in client.get("/api/v1/courses/").json()]


def test_staff_preview_of_a_draft_says_it_is_a_preview(client, world):
    lessons, users = world
    client.force_login(users["staff"])
    page = client.get(lessons["draft"].get_absolute_url()).content.decode()
    assert "Preview: learners cannot see this lesson yet (draft" in page
    assert "SECRET-BODY-draft" in page


@pytest.mark.parametrize("scheduled", ["lesson", "module", "course"])
def test_the_live_queries_and_is_live_agree_at_the_publish_time(scheduled):
    # One rule for "published and live", asked as a query (of the item or through a
    # relation) and of one item: all answer alike a microsecond before and at the time.
    at = timezone.now() + timedelta(days=1)
    lesson = LessonFactory()
    item = {"lesson": lesson, "module": lesson.module, "course": lesson.course}[scheduled]
    type(item).objects.filter(pk=item.pk).update(publish_at=at)
    item.refresh_from_db()
    quiz = QuizFactory(module=lesson.module, lesson=lesson)
    learner = UserFactory()
    card = reviewed_key_point_card(learner, lesson, due=at, last_review=at - timedelta(days=3))
    card.save()
    for now, live in ((at - timedelta(microseconds=1), False), (at, True)):
        assert item.is_live(now) is live
        assert type(item).objects.live(now).filter(pk=item.pk).exists() is live
        assert lesson_is_live(lesson, now) is live
        assert lesson_is_visible_to(learner, lesson, now) is live
        assert lessons_visible_to(learner, now).filter(pk=lesson.pk).exists() is live
        assert quizzes_visible_to(learner, now).filter(pk=quiz.pk).exists() is live
        assert visible_cards(learner, now).filter(pk=card.pk).exists() is live
    type(item).objects.filter(pk=item.pk).update(status=DRAFT)
    item.refresh_from_db()
    assert not item.is_live(at) and not type(item).objects.live(at).filter(pk=item.pk).exists()
    assert not lessons_visible_to(learner, at).filter(pk=lesson.pk).exists()
    assert not quizzes_visible_to(learner, at).filter(pk=quiz.pk).exists()
    assert not visible_cards(learner, at).filter(pk=card.pk).exists()
