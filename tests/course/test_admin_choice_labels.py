"""In the admin, a module, lesson or quiz to choose is named with its course ("CPD:
Module 2 — Deep gluteal space"), and the lists cost the same queries however long they
are; every admin with a slug fills it in from the title."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext

from course.models import Course, Lesson, Module
from quizzes.models import Question, Quiz
from tests.factories import (
    CourseFactory,
    EditorFactory,
    LessonFactory,
    ModuleFactory,
    QuestionFactory,
    QuizFactory,
    ReferenceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cpd():
    course = CourseFactory(audience=Course.Audience.CLINICIAN, title="Telling sources apart")
    return ModuleFactory(course=course, order=2, title="Deep gluteal space")


def test_lesson_form_names_modules_with_their_course(client, cpd):
    client.force_login(EditorFactory())
    patients = ModuleFactory(
        course=CourseFactory(audience=Course.Audience.PATIENT), order=1, title="Your buttock"
    )
    page = client.get("/admin/course/lesson/add/").content.decode()
    assert f'<option value="{cpd.pk}">CPD: Module 2 — Deep gluteal space</option>' in page
    assert f'<option value="{patients.pk}">Patients: Module 1 — Your buttock</option>' in page


def test_quiz_and_question_forms_name_modules_lessons_and_quizzes_with_their_course(client, cpd):
    client.force_login(EditorFactory())
    lesson = LessonFactory(module=cpd, order=3, title="The piriformis question")
    quiz = QuizFactory(module=cpd, title="Deep gluteal quiz")
    question = QuestionFactory(quiz=quiz)
    page = client.get(f"/admin/quizzes/quiz/{quiz.pk}/change/").content.decode()
    assert "CPD: Module 2 — Deep gluteal space</option>" in page
    assert "CPD: Module 2, lesson 3 — The piriformis question</option>" in page
    page = client.get(f"/admin/quizzes/question/{question.pk}/change/").content.decode()
    assert f'<option value="{quiz.pk}" selected>CPD: Deep gluteal quiz</option>' in page
    assert f'value="{lesson.pk}">CPD: Module 2, lesson 3 — The piriformis question' in page


def test_the_lesson_form_costs_the_same_queries_with_more_modules_and_references(
    client, cpd, django_assert_num_queries
):
    client.force_login(EditorFactory())
    lesson = LessonFactory(module=cpd)
    url = f"/admin/course/lesson/{lesson.pk}/change/"
    client.get(url)  # the session and permissions' first reads out of the way
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        ModuleFactory(course=cpd.course, order=10 + n)
        ReferenceFactory()
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_lesson_list_costs_the_same_queries_with_more_lessons(
    client, cpd, django_assert_num_queries
):
    client.force_login(EditorFactory())
    LessonFactory(module=cpd)
    client.get("/admin/course/lesson/")
    with CaptureQueriesContext(connection) as few:
        client.get("/admin/course/lesson/")
    for _ in range(5):
        LessonFactory(module=ModuleFactory(course=cpd.course))
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get("/admin/course/lesson/").content.decode()
    assert "CPD 2" in page


@pytest.mark.parametrize(
    ("model", "source"),
    [
        (Course, "title"),
        (Module, "title"),
        (Lesson, "title"),
        (Quiz, "title"),
        (Question, "prompt"),
    ],
)
def test_every_admin_with_a_slug_fills_it_in_from_the_title(model, source):
    assert admin.site._registry[model].prepopulated_fields == {"slug": [source]}
