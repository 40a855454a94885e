"""One rule each for how a question is put to the learner, on the quiz page, the quiz
API and the review card (page and API): how many may be chosen, and the options' order."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from quizzes.display import ordered_options, shuffled_options
from quizzes.models import Choice
from quizzes.services import attempt_submit
from reviews.models import Card
from tests.factories import ClinicianFactory, EnrollmentFactory, QuizFactory, question_with

pytestmark = pytest.mark.django_db

REGIONS = ["upper-buttock", "sacroiliac", "sitting-bone", "back-of-thigh", "deep-mid-buttock"]


@pytest.fixture
def quiz():
    quiz = QuizFactory()
    question_with(quiz, kind="single", correct=(0,), options=5, slug="single")
    question_with(quiz, kind="multiple", correct=(0, 2), options=5, slug="multiple")
    question_with(quiz, kind="pain_map", correct=(0, 3), regions=REGIONS, slug="two-regions")
    one = question_with(quiz, kind="pain_map", correct=(0, 1), regions=REGIONS, slug="one-region")
    # A right region no longer offered does not make the map a "choose several".
    Choice.objects.filter(question=one, region=REGIONS[1]).update(retired=True)
    return quiz


MANY = {"single": False, "multiple": True, "two-regions": True, "one-region": False}


@pytest.fixture
def learner(quiz):
    user = ClinicianFactory()
    EnrollmentFactory(user=user, course=quiz.course)
    return user


def _wrong_everywhere(learner, quiz):
    """Answer every question wrongly, so that each becomes a review card due soon."""
    answers = {}
    for question in quiz.questions.all():
        wrong = question.choices.filter(is_correct=False, retired=False).first()
        answers[question.pk] = [wrong.pk]
    attempt_submit(user=learner, quiz=quiz, answers=answers)


def test_how_many_may_be_chosen_is_one_rule_for_pages_api_and_scoring(
    client, api_client, quiz, learner
):
    questions = {q.slug: q for q in quiz.questions.all()}
    assert {slug: q.expects_many for slug, q in questions.items()} == MANY
    client.force_login(learner)
    forms = client.get(quiz.get_absolute_url()).context["forms"]
    assert {f.question.slug: f.many for f in forms} == MANY
    api_client.force_authenticate(learner)
    body = api_client.get(f"/api/v1/quizzes/{quiz.pk}/").json()
    assert {q["id"]: q["choose"] for q in body["questions"]} == {
        questions[slug].pk: "many" if many else "one" for slug, many in MANY.items()
    }
    _wrong_everywhere(learner, quiz)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        seen = {}
        for _ in MANY:
            form = client.get("/review/").context["form"]
            seen[form.question.slug] = form.many
            card = Card.objects.get(user=learner, question=form.question)
            right = [c.pk for c in form.question.choices.all() if c.is_correct and not c.retired]
            client.post(
                f"/review/{card.pk}/", {"choices": right, "reps": card.reps, "confidence": 3}
            )
    assert seen == MANY


def test_options_are_shuffled_by_one_function_on_the_quiz_page_and_the_review_card(
    client, api_client, quiz, learner
):
    question = quiz.questions.get(slug="single")
    offered = list(question.choices.filter(retired=False))
    orders = {tuple(c.pk for c in shuffled_options(offered, f"seed-{i}")) for i in range(20)}
    assert len(orders) > 1  # the order depends on the seed...
    assert shuffled_options(offered, "seed-1") == shuffled_options(offered, "seed-1")  # only
    client.force_login(learner)
    page = client.get(quiz.get_absolute_url())
    key = page.context["submission_key"]
    for form in page.context["forms"]:
        q = form.question
        expected = ordered_options(q, shuffled_options(q.choices.all(), f"{key}:{q.pk}"))
        assert [o.choice for o in form.options] == expected
    _wrong_everywhere(learner, quiz)
    api_client.force_authenticate(learner)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        form = client.get("/review/").context["form"]
        card = Card.objects.get(user=learner, question=form.question)
        offered = form.question.choices.filter(retired=False)
        shuffled = shuffled_options(offered, f"{card.pk}:{card.reps}")
        assert [o.choice for o in form.options] == ordered_options(form.question, shuffled)
        nxt = api_client.get("/api/v1/reviews/due/").json()["next"]
        assert nxt["id"] == card.pk
        assert [o["id"] for o in nxt["question"]["options"]] == [c.pk for c in shuffled]
