"""The course page: learning outcomes in their own section, the review process, and how
the CPD hours were counted, computed from the lessons and the module quizzes' cases."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from course.content_loader import load_content
from course.markdown import around_outcomes
from course.models import Lesson
from course.selectors import CpdTime
from tests.factories import (
    DRAFT,
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    QuizFactory,
    StaffFactory,
    UserFactory,
    question_with,
)

pytestmark = pytest.mark.django_db

DESCRIPTION = """A course for clinicians.

## Learning outcomes

By the end of the course you will be able to:

1. Tell the superior cluneal nerve from the sacroiliac joint.
2. Screen for red flags.

## How it works

Five modules.
"""


@pytest.fixture
def course():
    course = CourseFactory(
        slug="cpd", audience="clinician", cpd_hours=2, description_md=DESCRIPTION
    )
    first, second = ModuleFactory(course=course, order=1), ModuleFactory(course=course, order=2)
    LessonFactory(module=first, slug="a", minutes=40, order=1)
    LessonFactory(module=first, slug="b", minutes=35, order=2)
    LessonFactory(module=second, slug="c", minutes=25, order=1)
    # Not counted: a draft lesson, a lesson in a draft module, a lesson's self-check.
    LessonFactory(module=second, slug="draft", minutes=100, status=DRAFT)
    hidden = ModuleFactory(course=course, order=3, status=DRAFT)
    LessonFactory(module=hidden, slug="hidden", minutes=100)
    for module, cases in ((first, 6), (second, 4)):
        quiz = QuizFactory(module=module)
        for _ in range(cases):
            question_with(quiz)
    self_check = QuizFactory(module=first, lesson=Lesson.objects.get(slug="a"))
    question_with(self_check)
    return course


def _words(response) -> str:
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_the_hours_sentence_adds_reading_cases_and_reflection(client, course):
    page = _words(client.get("/courses/cpd/"))
    # 100 min of reading + 10 cases at 1.5 min + 15 min = 130 min.
    assert (
        "<strong>2 CPD hours:</strong> about 1 h 40 min of reading, 15 min of case quizzes "
        "(10 cases, one sitting of each module quiz, at about 1½ minutes each) and 15 min "
        "for the reflection and evaluation: "
        "2 h 10 min in all, rounded down to whole hours." in page
    )


def test_changing_a_lessons_minutes_changes_the_sum(client, course):
    Lesson.objects.filter(slug="c").update(minutes=85)
    page = _words(client.get("/courses/cpd/"))
    assert "about 2 h 40 min of reading" in page
    assert "3 h 10 min in all." in page  # no longer the stated hours rounded down
    assert "rounded down" not in page


def test_an_editor_sees_the_same_count_as_learners(client, course):
    client.force_login(StaffFactory())
    assert "about 1 h 40 min of reading" in _words(client.get("/courses/cpd/"))


def test_a_course_without_hours_has_no_hours_sentence(client):
    CourseFactory(slug="self-help", cpd_hours=0)
    assert "How the hours were counted" not in _words(client.get("/courses/self-help/"))


def test_outcomes_have_their_own_section_and_are_not_repeated(client, course):
    page = _words(client.get("/courses/cpd/"))
    assert '<h2 id="outcomes-heading">Learning outcomes</h2>' in page
    assert page.count("Learning outcomes") == 1
    assert page.count("Screen for red flags.") == 1
    # Where the description had them: after its introduction, before the rest.
    intro, outcomes, rest = (
        page.index("A course for clinicians."),
        page.index('id="outcomes-heading"'),
        page.index("<h2>How it works</h2>"),
    )
    assert intro < outcomes < rest


def test_the_review_process_links_to_the_about_page(client, course):
    assert 'href="/about/#review">how the content is checked</a>' in _words(
        client.get("/courses/cpd/")
    )


def test_a_description_without_outcomes_is_shown_whole():
    html = "<p>Intro</p>\n<h2>How it works</h2>\n<p>Five.</p>"
    assert around_outcomes(html) == (html, "")


@pytest.mark.parametrize(
    ("minutes", "cases", "expected"),
    [(181, 57, "4 h 42 min"), (45, 0, "1 h"), (0, 2, "18 min")],
)
def test_cpd_time_totals(minutes, cases, expected):
    assert CpdTime(stated_hours=4, reading_minutes=minutes, cases=cases).total == expected


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("signed_in", [False, True])
def test_course_page_query_count_does_not_grow_with_lessons_or_cases(client, course, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    client.get("/courses/cpd/")  # warm the session and content-type caches
    small = _count(client, "/courses/cpd/")
    module = ModuleFactory(course=course, order=9)
    quiz = QuizFactory(module=module)
    for i in range(10):
        LessonFactory(module=module, minutes=10, order=i)
        question_with(quiz)
    large = _count(client, "/courses/cpd/")
    assert large == small <= 18  # 3 of them count the hours
    assert "about 3 h 20 min of reading" in _words(client.get("/courses/cpd/"))


def test_the_shipped_cpd_course_shows_its_counted_hours(client):
    assert load_content().ok
    page = _words(client.get("/courses/telling-buttock-nerve-pain-apart/"))
    assert "<strong>4 CPD hours:</strong>" in page
    assert "(43 cases, one sitting of each module quiz, at about 1½ minutes each)" in page
    assert "rounded down to whole hours" in page


def test_the_patient_disclaimer_links_to_a_lesson_that_teaches_the_warning_signs(client):
    assert load_content().ok
    course_page = _words(client.get("/courses/buttock-nerve-pain-self-help/"))
    link = "/courses/buttock-nerve-pain-self-help/is-my-pain-from-a-nerve/"
    assert f'href="{link}">The warning signs, and where to go</a>' in course_page
    lesson = _words(client.get(link))  # free: open to anyone
    assert "Warning signs: when not to wait" in lesson
    assert "Go to an emergency department now" in lesson


def test_a_scheduled_lesson_is_not_counted_before_its_time(client, course):
    LessonFactory(
        module=course.modules.first(),
        minutes=60,
        publish_at=timezone.now() + timedelta(days=1),
    )
    assert "about 1 h 40 min of reading" in _words(client.get("/courses/cpd/"))
