"""The result of a module quiz says plainly whether the learner passed, with the score,
what to study first, and what comes next: the next module after a pass, the retake
after a miss."""

import uuid

import pytest

from quizzes.models import Attempt
from tests.factories import (
    DRAFT,
    ClinicianFactory,
    EnrollmentFactory,
    LessonFactory,
    ModuleFactory,
    QuizFactory,
    question_with,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    quiz = QuizFactory(title="Anatomy quiz", pass_mark=60)
    nerves = LessonFactory(module=quiz.module, title="The nerves", slug="nerves")
    muscles = LessonFactory(module=quiz.module, title="The muscles", slug="muscles")
    # Two questions teach "The muscles", one "The nerves", one no lesson.
    questions = [
        question_with(quiz, correct=(0,), lesson=nerves, slug="n1"),
        question_with(quiz, correct=(0,), lesson=muscles, slug="m1"),
        question_with(quiz, correct=(0,), lesson=muscles, slug="m2"),
        question_with(quiz, correct=(0,), slug="free"),
    ]
    later = ModuleFactory(course=quiz.course, order=quiz.module.order + 1, title="Treatment")
    LessonFactory(module=later, title="Nerve gliding", slug="gliding", order=2)
    LessonFactory(module=later, title="What helps first", slug="first-help", order=1)
    learner = ClinicianFactory()
    EnrollmentFactory(user=learner, course=quiz.course)
    return quiz, questions, learner


def take(client, quiz, questions, wrong: set[str]) -> str:
    data = {"submission_key": str(uuid.uuid4())}
    for q in questions:
        right, other = list(q.choices.order_by("order"))[:2]
        data[f"q{q.pk}"] = [str((other if q.slug in wrong else right).pk)]
        data[f"q{q.pk}-confidence"] = "1"
    response = client.post(quiz.get_absolute_url(), data)
    assert response.status_code == 302
    return client.get(response.url).content.decode()


def test_a_pass_says_so_with_the_score_and_leads_to_the_next_module(client, setup):
    quiz, questions, learner = setup
    client.force_login(learner)
    page = take(client, quiz, questions, wrong={"n1"})
    assert Attempt.objects.get().passed
    assert "You passed “Anatomy quiz”: 75%" in page
    assert "Your score: 75%. The pass mark is 60%." in page
    assert "3 of 4 questions right, 1 to go over." in page
    # The next module's first lesson in reading order is the main action.
    assert '<a class="button" href="/courses/' in page
    main = page[page.index('<a class="button"') :]
    assert main.index("Next module: What helps first") < main.index("</a>")
    assert "first-help" in main[: main.index("</a>")]
    assert "Retake the quiz" not in page and "Take it again" in page
    assert "Worth reading again" in page  # what was missed, even after a pass


def test_a_miss_says_so_and_puts_the_lesson_behind_most_misses_first(client, setup):
    quiz, questions, learner = setup
    client.force_login(learner)
    page = take(client, quiz, questions, wrong={"n1", "m1", "m2", "free"})
    assert not Attempt.objects.get().passed
    assert "Not passed yet" in page and "You did not pass this time: 0%" in page
    study = page[page.index("What to study first") : page.index("</ol>")]
    assert study.index("The muscles") < study.index("The nerves")
    assert "(2 missed questions)" in study and "(1 missed question)" in study
    # A failed module quiz cools down: the page says when it opens instead of a button.
    assert "Retake the quiz" not in page and "You can retake this quiz from" in page
    assert "Next module" not in page
    assert """come back in <a href="/review/">today's review</a>""" in page


def test_a_miss_offers_the_retake_at_once_when_there_is_no_cool_down(client, setup):
    quiz, questions, learner = setup
    quiz.retake_after_hours = 0
    quiz.save()
    client.force_login(learner)
    page = take(client, quiz, questions, wrong={"n1", "m1", "m2", "free"})
    assert f'<a class="button" href="{quiz.get_absolute_url()}">Retake the quiz</a>' in page


def test_a_lesson_taken_back_to_draft_is_not_offered_to_study(client, setup):
    quiz, questions, learner = setup
    quiz.module.lessons.filter(slug="muscles").update(status=DRAFT)
    client.force_login(learner)
    page = take(client, quiz, questions, wrong={"n1", "m1"})
    study = page[page.index("What to study first") : page.index("</ol>")]
    assert "The nerves" in study and "The muscles" not in study


def test_the_last_module_quiz_leads_back_to_the_course(client, setup):
    quiz, questions, learner = setup
    quiz.course.modules.exclude(pk=quiz.module_id).delete()
    client.force_login(learner)
    page = take(client, quiz, questions, wrong=set())
    assert "You passed “Anatomy quiz”: 100%" in page
    back = quiz.course.get_absolute_url()
    assert f'<a class="button" href="{back}">Back to the course</a>' in page
    assert "What to study first" not in page and "Worth reading again" not in page
