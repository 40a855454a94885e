"""Each section of the dashboard downloads as CSV, for staff only."""

import csv
import io
from datetime import timedelta

import pytest
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

from .activity import NOW, THIS_MONDAY, attempt, reminder, review, subscriber

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


@pytest.fixture
def editor_client(client):
    client.force_login(StaffFactory())
    return client


def rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def download(client, section, **params):
    return client.get(reverse("dashboard-csv", args=[section]), params)


def test_enrolments_one_line_per_course_and_week(editor_client):
    course = CourseFactory(title="=Patients")  # a formula to a spreadsheet: made safe
    EnrollmentFactory(course=course, created_at=THIS_MONDAY + HOUR)

    table = rows(download(editor_client, "enrolments"))

    assert table[0] == ["Course", "ISO week", "Week starts (UTC)", "New enrolments"]
    assert len(table) == 1 + 12
    assert table[-1] == ["'=Patients", "2026-W48", "2026-11-23", "1"]
    assert table[1] == ["'=Patients", "2026-W37", "2026-09-07", "0"]


def test_the_funnel_of_the_chosen_course(editor_client):
    course = CourseFactory(title="Clinicians", order=5)
    lesson = LessonFactory(module__course=course, title="Iliac crest")
    CourseFactory(title="Another course", order=0)  # the default choice
    for done in (True, False):
        user = EnrollmentFactory(course=course).user
        if done:
            LessonProgress.objects.create(user=user, lesson=lesson, course=course, completed_at=NOW)

    table = rows(download(editor_client, "funnel", course=course.pk))

    assert table == [
        [
            "Course",
            "Position",
            "Lesson",
            "Enrolled",
            "Completed",
            "Completed (% of enrolled)",
            "Fewer than the step before",
            "Biggest drop",
        ],
        ["Clinicians", "1", "Iliac crest", "2", "1", "50.0", "1", "yes"],
    ]


def test_quizzes_reviews_reminders_and_newsletter(editor_client):
    lesson = LessonFactory()
    quiz = QuizFactory(module=lesson.module, title="Module quiz")
    user = UserFactory()
    attempt(user, quiz, at=NOW - 3 * HOUR, passed=False)
    attempt(user, quiz, at=NOW - 2 * HOUR, passed=True)
    reminder(user, created_at=NOW - 5 * HOUR)
    review(user, lesson, NOW - 4 * HOUR)
    subscriber(user.email, created_at=NOW - 3 * HOUR, confirmed_at=NOW - HOUR, status="active")

    quizzes = rows(download(editor_client, "quizzes"))
    reviews = rows(download(editor_client, "reviews"))
    reminders = rows(download(editor_client, "reminders"))
    newsletter = rows(download(editor_client, "newsletter"))

    assert quizzes[1] == [
        lesson.course.title,
        lesson.module.title,
        "Module quiz",
        "1",
        "1",
        "100.0",
        "2.0",
    ]
    assert reviews[0] == ["Day (UTC)", "Reviews"]
    assert reviews[-1] == ["2026-11-25", "1"] and len(reviews) == 31
    assert reminders[-1] == ["2026-W48", "2026-11-23", "1", "1", "100.0", "0", "0"]
    assert newsletter[-1] == ["2026-W48", "2026-11-23", "1", "1", "0", "0", "100.0"]


@pytest.mark.parametrize("section", ["enrolments", "funnel", "reviews"])
def test_learners_and_visitors_cannot_download(client, section):
    assert download(client, section).status_code == 302
    client.force_login(UserFactory())

    response = download(client, section)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_unknown_section_is_not_found(editor_client):
    assert download(editor_client, "passwords").status_code == 404
