"""A lesson counts as done after real reading, timed on the server, or its self-check
answered: on the page, in the API and for completion."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages

from completion.models import CourseCompletion
from course import engagement
from course.models import LessonProgress
from course.services import lesson_record_view, lesson_set_done
from lib.errors import AppError, ErrorKind
from quizzes.services import attempt_submit
from tests.factories import (
    ClinicianFactory,
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    ModuleFactory,
    QuizFactory,
    UserFactory,
    question_with,
    read_lesson,
)

pytestmark = pytest.mark.django_db

# After the factories' publish times (a day before the real now), whenever the suite runs.
T0 = (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0)
MIN = timedelta(minutes=1)


@pytest.fixture
def lessons():
    course = CourseFactory(slug="c")
    module = ModuleFactory(course=course, order=1)
    first = LessonFactory(module=module, slug="l1", order=1, minutes=12)
    second = LessonFactory(module=module, slug="l2", order=2, minutes=10)
    return first, second


@pytest.fixture
def learner(client, lessons):
    user = UserFactory()
    EnrollmentFactory(user=user, course=lessons[0].course)
    client.force_login(user)
    return user


def at(moment):
    return time_machine.travel(moment, tick=False)


def progress(user, lesson):
    return LessonProgress.objects.get(user=user, lesson=lesson)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_share_is_half_the_reading_time_and_at_least_a_minute(lessons):
    first, _ = lessons
    assert engagement.READING_SHARE == 0.5
    assert engagement.required_seconds(first) == 6 * 60
    short = LessonFactory(minutes=1)
    assert engagement.required_seconds(short) == 60
    assert engagement.rule(short, self_check=False) == (
        "This lesson counts as done after about 1 minute of reading "
        "(at least a minute, however short the lesson)."
    )


def test_opened_and_marked_done_at_once_is_refused_kindly_and_writes_nothing(
    client, lessons, learner
):
    first, _ = lessons
    with at(T0):
        client.get("/courses/c/l1/")
        response = client.post("/courses/c/l1/done/")
    assert response.status_code == 302 and response.url == "/courses/c/l1/"
    assert _messages(response) == [
        "You've only just opened this lesson. This lesson counts as done after about "
        "6 minutes of reading (half its 12 minutes)."
    ]
    row = progress(learner, first)
    assert (row.completed_at, row.engaged_seconds, row.visit_started_at) == (None, 0, T0)


def test_the_refusal_says_how_long_so_far_and_names_the_self_check(client, lessons, learner):
    first, _ = lessons
    QuizFactory(module=first.module, lesson=first)
    with at(T0):
        client.get("/courses/c/l1/")
    with at(T0 + 2 * MIN):
        response = client.post("/courses/c/l1/done/", follow=True)
    page = response.content.decode()
    assert (
        "You&#x27;ve read for about 2 minutes. This lesson counts as done after about 6 "
        "minutes of reading (half its 12 minutes), or when you answer its self-check." in page
    )
    assert 'class="message info"' in page  # a note, not an error
    assert progress(learner, first).completed_at is None


def test_the_api_refuses_with_409_and_the_numbers_and_writes_nothing(api_client, lessons):
    first, _ = lessons
    user = UserFactory()
    EnrollmentFactory(user=user, course=first.course)
    api_client.force_authenticate(user)
    with at(T0):
        body = api_client.get("/api/v1/courses/c/lessons/l1/").json()
    assert (body["engaged_seconds"], body["required_seconds"], body["done"]) == (0, 360, False)
    with at(T0 + 2 * MIN):
        response = api_client.post(
            "/api/v1/courses/c/lessons/l1/progress/", {"done": True}, format="json"
        )
    assert response.status_code == 409
    assert response.json() == {
        "detail": "You've read for about 2 minutes. This lesson counts as done after about "
        "6 minutes of reading (half its 12 minutes).",
        "engaged_seconds": 120,
        "required_seconds": 360,
    }
    row = progress(user, first)
    assert (row.completed_at, row.engaged_seconds, row.visit_started_at) == (None, 0, T0)


def test_after_the_share_of_time_the_lesson_is_done_on_the_page_and_in_the_api(
    client, api_client, lessons, learner
):
    first, second = lessons
    with at(T0):
        client.get("/courses/c/l1/")
    with at(T0 + 6 * MIN):
        assert client.post("/courses/c/l1/done/").url == "/courses/c/l2/"
    row = progress(learner, first)
    assert (row.completed_at, row.engaged_seconds, row.visit_started_at) == (
        T0 + 6 * MIN,
        360,
        None,
    )
    api_client.force_authenticate(learner)
    with at(T0 + 10 * MIN):
        api_client.get("/api/v1/courses/c/lessons/l2/")
    with at(T0 + 15 * MIN):
        response = api_client.post(
            "/api/v1/courses/c/lessons/l2/progress/", {"done": True}, format="json"
        )
    assert response.status_code == 200
    assert response.json()["done"] is True and response.json()["engaged_seconds"] == 300
    with at(T0 + 16 * MIN):
        body = api_client.get("/api/v1/courses/c/lessons/l2/").json()
    assert (body["engaged_seconds"], body["required_seconds"], body["done"]) == (300, 300, True)


def test_a_visit_left_open_all_night_counts_at_most_the_reading_time_once(lessons, learner):
    first, _ = lessons
    lesson_record_view(user=learner, lesson=first, now=T0)
    lesson_record_view(user=learner, lesson=first, now=T0 + timedelta(hours=10))
    assert progress(learner, first).engaged_seconds == 12 * 60
    # The visit the second view started has only just begun.
    lesson_record_view(user=learner, lesson=first, now=T0 + timedelta(hours=10, seconds=5))
    assert progress(learner, first).engaged_seconds == 12 * 60 + 5


def test_two_visits_add_up_and_a_view_of_another_lesson_ends_a_visit(lessons, learner):
    first, second = lessons
    lesson_record_view(user=learner, lesson=first, now=T0)
    lesson_record_view(user=learner, lesson=second, now=T0 + 4 * MIN)  # ends the first visit
    row = progress(learner, first)
    assert (row.engaged_seconds, row.visit_started_at) == (240, None)
    lesson_record_view(user=learner, lesson=first, now=T0 + 30 * MIN)
    assert progress(learner, second).engaged_seconds == 10 * 60  # capped at its 10 minutes
    with pytest.raises(AppError) as refused:
        lesson_set_done(user=learner, lesson=first, now=T0 + 31 * MIN)
    assert refused.value.kind is ErrorKind.NOT_YET
    assert refused.value.extra == {"engaged_seconds": 300, "required_seconds": 360}
    done = lesson_set_done(user=learner, lesson=first, now=T0 + 32 * MIN)
    assert (done.completed_at, done.engaged_seconds) == (T0 + 32 * MIN, 360)


def test_marking_done_without_ever_opening_the_lesson_creates_nothing(lessons, learner):
    first, _ = lessons
    with pytest.raises(AppError) as refused:
        lesson_set_done(user=learner, lesson=first, now=T0)
    assert refused.value.kind is ErrorKind.NOT_YET
    assert not LessonProgress.objects.exists()


def test_answering_the_self_check_marks_the_lesson_done_without_time(lessons, learner):
    first, _ = lessons
    quiz = QuizFactory(module=first.module, lesson=first)
    question = question_with(quiz, correct=(0,))
    wrong = question.choices.filter(is_correct=False).first()
    attempt = attempt_submit(user=learner, quiz=quiz, answers={question.pk: [wrong.pk]}, now=T0)
    assert not attempt.passed  # answered, even wrongly, is engagement enough
    row = progress(learner, first)
    assert (row.completed_at, row.engaged_seconds) == (T0, 0)


def test_a_self_check_answered_completes_the_course_as_mark_done_does(on_commit):
    course = CourseFactory(require_quizzes_passed=False)
    lesson = LessonFactory(module=ModuleFactory(course=course))
    quiz = QuizFactory(module=lesson.module, lesson=lesson)
    question = question_with(quiz, correct=(0,))
    user = UserFactory()
    EnrollmentFactory(user=user, course=course)
    right = question.choices.get(is_correct=True)
    with on_commit():
        attempt_submit(user=user, quiz=quiz, answers={question.pk: [right.pk]}, now=T0)
    assert CourseCompletion.objects.filter(user=user, course=course).exists()


@pytest.fixture
def cpd():
    course = CourseFactory(slug="cpd", audience="clinician", cpd_hours=4)
    for order in (1, 2):
        module = ModuleFactory(course=course, order=order)
        lesson = LessonFactory(module=module, slug=f"l{order}", minutes=8)
        quiz = QuizFactory(module=module, slug=f"q{order}", pass_mark=80)
        question_with(quiz, correct=(0,), lesson=lesson)
    return course


def test_the_cpd_course_is_not_completed_by_clicking_through_only_by_reading(
    client, cpd, on_commit
):
    user = ClinicianFactory()
    EnrollmentFactory(user=user, course=cpd)
    client.force_login(user)
    for quiz in cpd.quizzes.all():
        question = quiz.questions.get()
        right = question.choices.get(is_correct=True)
        attempt_submit(user=user, quiz=quiz, answers={question.pk: [right.pk]})
    lessons = list(cpd.lessons.order_by("slug"))
    # Yesterday, opening each lesson and clicking "done" finished the course.
    with on_commit():
        for lesson in lessons:
            client.get(lesson.get_absolute_url())
            client.post(f"/courses/cpd/{lesson.slug}/done/")
    assert not LessonProgress.objects.filter(user=user, completed_at__isnull=False).exists()
    assert not CourseCompletion.objects.filter(user=user).exists()
    # Read for the share of each lesson's time, then click: the course is complete.
    with on_commit():
        for lesson in lessons:
            read_lesson(user, lesson)
            client.post(f"/courses/cpd/{lesson.slug}/done/")
    assert CourseCompletion.objects.filter(user=user, course=cpd).exists()


def test_the_page_states_the_rule_under_the_button_until_the_lesson_is_done(
    client, lessons, learner
):
    first, _ = lessons
    page = client.get("/courses/c/l1/").content.decode()
    assert 'aria-describedby="done-rule"' in page
    assert (
        '<p class="muted done-rule" id="done-rule">This lesson counts as done after about '
        "6 minutes of reading (half its 12 minutes).</p>" in page
    )
    # A lesson done before this rule (no time recorded) stays done.
    LessonProgress.objects.filter(user=learner, lesson=first).update(completed_at=T0)
    page = client.get("/courses/c/l1/").content.decode()
    assert 'id="lesson-done"' in page and 'id="done-rule"' not in page


def test_the_page_names_the_self_check_where_there_is_one(client, lessons, learner):
    first, _ = lessons
    QuizFactory(module=first.module, lesson=first)
    page = client.get("/courses/c/l1/").content.decode()
    assert "(half its 12 minutes), or when you answer its self-check.</p>" in page


def test_marking_not_done_is_always_allowed(lessons, learner):
    first, _ = lessons
    lesson_record_view(user=learner, lesson=first, now=T0)
    lesson_set_done(user=learner, lesson=first, now=T0 + 7 * MIN)
    undone = lesson_set_done(user=learner, lesson=first, done=False, now=T0 + 8 * MIN)
    assert undone.completed_at is None and undone.engaged_seconds == 420
    # The time read stays: done again needs no more.
    assert lesson_set_done(user=learner, lesson=first, now=T0 + 9 * MIN).completed_at


def test_the_schema_documents_the_reading_fields_and_the_409(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    lesson = schema["components"]["schemas"]["LessonDetail"]["properties"]
    assert lesson["engaged_seconds"]["type"] == "integer"
    assert lesson["required_seconds"]["type"] == "integer"
    assert lesson["done"]["type"] == "boolean"
    progress_post = schema["paths"]["/api/v1/courses/{course_slug}/lessons/{lesson_slug}/progress/"]
    refused = progress_post["post"]["responses"]["409"]["content"]["application/json"]["schema"]
    assert refused["$ref"].endswith("/NotReadYet")


def test_a_lesson_view_reads_once_and_writes_once(django_assert_num_queries, lessons, learner):
    first, second = lessons
    lesson_record_view(user=learner, lesson=first, now=T0)
    lesson_record_view(user=learner, lesson=second, now=T0 + MIN)
    # Another lesson's visit open and this lesson's row there: one read, one write.
    with django_assert_num_queries(2):
        lesson_record_view(user=learner, lesson=first, now=T0 + 2 * MIN)
    assert progress(learner, second).engaged_seconds == 60
    assert progress(learner, first).visit_started_at == T0 + 2 * MIN
