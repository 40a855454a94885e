"""The editors' dashboard on the admin's index: shown to staff above the app list, with
friendly text on an empty site, and a fixed number of queries however many learners."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from course.models import LessonProgress
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    QuizFactory,
    StaffFactory,
    UserFactory,
)

from .activity import NOW, attempt, reminder, review, subscriber

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)
SECTIONS = ("enrolments", "funnel", "quizzes", "reviews", "reminders", "newsletter")


@pytest.fixture
def editor_client(client):
    client.force_login(StaffFactory())
    return client


@pytest.fixture
def site():
    """A course with two lessons and a module quiz."""
    course = CourseFactory(title="Buttock nerve pain")
    first = LessonFactory(module__course=course, title="The cluneal nerves")
    second = LessonFactory(module=first.module, title="The iliac crest")
    quiz = QuizFactory(module=first.module, title="Module quiz")
    return course, first, second, quiz


def learners(n, site):
    """`n` learners, each with something in every section of the dashboard."""
    course, first, second, quiz = site
    for _ in range(n):
        user = EnrollmentFactory(course=course, created_at=NOW - 10 * 24 * HOUR).user
        LessonProgress.objects.create(user=user, lesson=first, course=course, completed_at=NOW)
        attempt(user, quiz, at=NOW - 3 * HOUR, passed=False)
        attempt(user, quiz, at=NOW - 2 * HOUR, passed=True)
        reminder(user, created_at=NOW - 5 * HOUR)
        review(user, first, NOW - 4 * HOUR)
        subscriber(user.email, created_at=NOW - 3 * HOUR, confirmed_at=NOW - HOUR)


def test_an_empty_site_shows_friendly_text_and_the_app_list(editor_client):
    response = editor_client.get(reverse("admin:index"))

    assert response.status_code == 200
    text = response.content.decode()
    assert "How learners do" in text
    assert "No enrolments yet" in text
    assert "There are no module quizzes yet." in text
    assert "No reviews in the last 30 days." in text
    assert "No reminders sent in the last 12 weeks." in text
    assert "No newsletter sign-ups in the last 12 weeks." in text
    assert 'id="site-administration"' in text and "app-accounts" in text
    for section in SECTIONS:
        assert reverse("dashboard-csv", args=[section]) in text


def test_the_sections_show_their_charts_and_the_place_learners_stop(editor_client, site):
    learners(3, site)
    reminder(UserFactory(), created_at=NOW - HOUR, sent=False, failed=True)

    text = editor_client.get(reverse("admin:index")).content.decode()

    assert text.count('<figure class="plot') == 6  # one chart in each section
    assert "Buttock nerve pain: new enrolments per week" in text
    assert "Most learners stop at <strong>The iliac crest</strong>: 3 fewer" in text
    assert "biggest drop" in text
    assert "100% of 3" in text  # every learner who sat the quiz passed
    assert "2.0" in text  # two attempts each to pass
    assert "Newsletter sign-ups per week" in text
    assert "100% of the 3 reminders sent" in text
    assert "1 reminder failed in the last 12 weeks." in text


def test_the_course_picker_chooses_the_funnel_and_ignores_a_bad_value(editor_client, site):
    other = CourseFactory(title="Cluneal nerves for clinicians", order=9)
    LessonFactory(module__course=other)
    url = reverse("admin:index")

    chosen = editor_client.get(url, {"course": other.pk}).content.decode()
    bad = editor_client.get(url, {"course": "'; drop table"})

    assert "No enrolments yet in Cluneal nerves for clinicians." in chosen
    assert f'?course={other.pk}" download' in chosen
    assert bad.status_code == 200
    assert f'?course={site[0].pk}" download' in bad.content.decode()


def test_the_query_count_does_not_grow_with_the_learners(editor_client, site):
    url = reverse("admin:index")
    learners(2, site)
    editor_client.get(url)  # warm the session and the content types
    with CaptureQueriesContext(connection) as few:
        assert editor_client.get(url).status_code == 200

    learners(30, site)
    with CaptureQueriesContext(connection) as many:
        response = editor_client.get(url)

    assert "32 (100%)" in response.content.decode()  # the funnel's enrolled, so the 30 count
    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)


def test_learners_are_sent_to_the_admin_sign_in(client):
    client.force_login(UserFactory())

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
