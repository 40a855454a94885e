"""A clinician takes the anatomy module quiz in Chromium. The pain-map questions and how
sure the learner is are answered by keyboard alone; the result explains every option and
gives the certainty-based mark beside the score."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from course.content_loader import load_content
from quizzes.models import Answer, Attempt, Choice, Confidence, Quiz
from quizzes.painmap import REGIONS
from quizzes.services import questions_to_take
from tests.factories import ClinicianFactory, EnrollmentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KEYS = [r.key for r in REGIONS]


def _tab_to(page, element_id: str, limit: int = 120) -> None:
    """Press Tab until the element has the focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def _answer_pain_map_by_keyboard(page, question):
    correct = {c.region for c in question.choices.all() if c.is_correct}
    _tab_to(page, f"q{question.pk}-{KEYS[0]}")
    if question.expects_many:
        for i, key in enumerate(KEYS):
            if i:
                page.keyboard.press("Tab")
            expect(page.locator(":focus")).to_have_attribute("id", f"q{question.pk}-{key}")
            if key in correct:
                page.keyboard.press("Space")
    else:
        target = KEYS.index(next(iter(correct)))
        if target == 0:
            page.keyboard.press("Space")
        for _ in range(target):
            page.keyboard.press("ArrowDown")  # moves along the regions and selects
    for key in KEYS:
        box = page.locator(f"#q{question.pk}-{key}")
        (expect(box).to_be_checked if key in correct else expect(box).not_to_be_checked)()


def _say_how_sure_by_keyboard(page, question, confidence: int) -> None:
    """Tab into the question's "How sure are you?" group (its first button, none being
    chosen) and choose with the arrow keys, as a keyboard user would."""
    _tab_to(page, f"q{question.pk}-confidence-1")
    if confidence == 1:
        page.keyboard.press("Space")
    for _ in range(confidence - 1):
        page.keyboard.press("ArrowRight")  # moves along the group and selects
    for value in Confidence.values:
        box = page.locator(f"#q{question.pk}-confidence-{value}")
        (expect(box).to_be_checked if value == confidence else expect(box).not_to_be_checked)()


def test_clinician_takes_a_module_quiz(live_server, page, screenshot):
    assert load_content().ok
    quiz = Quiz.objects.get(slug="anatomy-quiz")
    user = ClinicianFactory(email="doc@example.org")
    EnrollmentFactory(user=user, course=quiz.course)

    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address", exact=True).fill("doc@example.org")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.goto(live_server.url + quiz.course.get_absolute_url())
    page.get_by_role("link", name=quiz.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(quiz.title)

    # The questions of the learner's sitting (the page shows the same one), a draw of one
    # twin per group; the anatomy quiz's pain-map cases are twins, so one is drawn.
    _, questions = questions_to_take(user=user, quiz=quiz)
    assert any(q.kind == "pain_map" for q in questions)
    assert len(questions) < quiz.questions.count()
    # The options offered now: a retired option is kept for those who chose it, not shown.
    retired = list(Choice.objects.filter(question__quiz=quiz, retired=True))
    assert retired
    for choice in retired:
        expect(page.get_by_label(choice.text, exact=True)).to_have_count(0)
    # Submitting with nothing chosen names what is missing and keeps the page.
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("alert")).to_contain_text(f"{len(questions)} questions need an answer")
    expect(page.get_by_role("alert")).to_contain_text(f"and {len(questions)} how sure you are")
    first = questions[0]
    expect(page.get_by_role("group", name="How sure are you?")).to_have_count(len(questions))
    expect(page.locator(f"#q{first.pk}-confidence-error")).to_have_text("Say how sure you are.")

    # Sure, fairly sure and guessing in turn: every answer right.
    said = {q.pk: [3, 2, 1][i % 3] for i, q in enumerate(questions)}
    for question in questions:
        if question.kind == "pain_map":
            _answer_pain_map_by_keyboard(page, question)
        else:
            for choice in question.choices.all():
                if choice.is_correct:
                    page.locator(f"#q{question.pk}-{choice.pk}").check()
        _say_how_sure_by_keyboard(page, question, said[question.pk])
    screenshot("05-quiz-pain-map")
    page.get_by_role("button", name="Submit answers").click()

    expect(page.get_by_role("heading", name=f"You passed “{quiz.title}”: 100%")).to_be_visible()
    # Right every time: the mark is the mean of +3, +2 and +1 as said.
    mean = Decimal(sum(said.values())) / len(said)
    text = f"{mean.quantize(Decimal('0.1'))}".removesuffix(".0")
    expect(page.locator(".cbm-mark")).to_have_text(
        f"Certainty-based mark: +{text} per question, from −6 to +3."
    )
    expect(page.get_by_text("Study these first")).to_have_count(0)
    for question in questions:
        for choice in question.choices.all():
            expect(page.get_by_text(choice.explanation, exact=True)).to_be_visible()
    # Only the sitting's questions are explained, never the rest of the pool.
    expect(page.locator("article.feedback")).to_have_count(len(questions))
    screenshot("06-quiz-result")
    attempt = Attempt.objects.get(user=user)
    assert attempt.passed and float(attempt.score) == 100.0
    assert dict(Answer.objects.values_list("question_id", "confidence")) == said

    page.goto(live_server.url + quiz.course.get_absolute_url())
    expect(page.get_by_text("best 100%, latest 100%")).to_be_visible()
