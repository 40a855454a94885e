"""A learner runs a review session by keyboard alone: a quiz card is answered again with
the arrow keys, says how sure with the arrow keys, and Enter; space moves on, shows the
answer of a key point, and 1-4 rate it; a card rated Good while learning comes back in
the same session."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from quizzes.services import attempt_submit
from reviews.models import Card, ReviewLog
from reviews.services import cards_from_lesson
from tests.e2e.nav import expect_signed_in
from tests.factories import (
    EnrollmentFactory,
    LessonFactory,
    QuizFactory,
    UserFactory,
    question_with,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_review_session_by_keyboard(live_server, page, screenshot):
    user = UserFactory(email="rev@example.org")
    lesson = LessonFactory(
        title="The cluneal nerves",
        key_points=[
            {"front": "Where do the superior cluneal nerves cross?", "back": "The iliac crest."}
        ],
    )
    EnrollmentFactory(user=user, course=lesson.course)
    quiz = QuizFactory(module=lesson.module)
    question = question_with(quiz, correct=(0,), lesson=lesson, prompt="Which nerve?")
    right = question.choices.order_by("order").first()
    wrong = question.choices.order_by("order")[1]
    yesterday = timezone.now() - timedelta(days=1)
    attempt_submit(user=user, quiz=quiz, answers={question.pk: [wrong.pk]}, now=yesterday)
    cards_from_lesson(user=user, lesson=lesson, now=yesterday)

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address", exact=True).fill("rev@example.org")
    page.get_by_label("Password").fill("a-long-test-password")
    page.keyboard.press("Enter")
    expect_signed_in(page)
    page.goto(live_server.url + "/review/")

    # First the review that is due (the quiz question missed yesterday).
    expect(page.get_by_text("(1 due now, 1 new)")).to_be_visible()
    expect(page.get_by_text("Which nerve?")).to_be_visible()
    expect(page.get_by_role("group", name="How sure are you?")).to_be_visible()
    screenshot("07-review-question")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot("07-review-question-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    for _ in range(60):
        if page.evaluate("document.activeElement && document.activeElement.name") == "choices":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Space")  # select the focused option
    options = page.locator("input[name=choices]")
    target = [options.nth(i).get_attribute("value") for i in range(options.count())].index(
        str(right.pk)
    )
    focused = [
        options.nth(i).evaluate("e => e === document.activeElement") for i in range(options.count())
    ].index(True)
    for _ in range((target - focused) % options.count()):
        page.keyboard.press("ArrowDown")
    expect(page.locator(f"input[name=choices][value='{right.pk}']")).to_be_checked()
    page.keyboard.press("Tab")  # on to "How sure are you?"
    assert page.evaluate("document.activeElement.name") == "confidence"
    page.keyboard.press("Space")  # Guessing
    page.keyboard.press("ArrowRight")  # Fairly sure
    page.keyboard.press("ArrowRight")  # Sure
    expect(page.get_by_label("Sure", exact=True)).to_be_checked()
    page.keyboard.press("Enter")  # submits the answer and its confidence, in one step
    expect(page.get_by_role("heading", level=1)).to_have_text("Right")
    expect(page.get_by_text(right.explanation)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Right, and you were sure: Easy, back in")
    screenshot("07-review-feedback")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot("07-review-feedback-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.keyboard.press("Space")  # next card

    # Then the new key-point card: space flips it, 3 rates it Good.
    expect(page.get_by_text("Where do the superior cluneal nerves cross?")).to_be_visible()
    expect(page.get_by_text("The iliac crest.")).to_have_count(0)
    page.keyboard.press("Space")
    expect(page.get_by_text("The iliac crest.")).to_be_visible()
    screenshot("08-review-key-point")
    # Typing digits in a text field rates nothing. A signed-in learner's footer has no
    # text box any more (the newsletter is one click), so the test puts one there.
    page.evaluate(
        """() => {
          const box = document.createElement("input");
          box.type = "email"; box.id = "typed-in";
          document.querySelector(".site-footer").append(box);
        }"""
    )
    email = page.locator("#typed-in")
    email.click()
    page.keyboard.type("pat2@example.org")
    expect(email).to_have_value("pat2@example.org")
    expect(page.get_by_text("The iliac crest.")).to_be_visible()
    assert Card.objects.get(user=user, kind="key_point").reps == 0
    # The shortcuts can be turned off, and on again.
    toggle = page.get_by_role("button", name="Turn keyboard shortcuts off")
    toggle.click()
    page.locator("#answer").focus()
    page.keyboard.press("3")
    expect(page.get_by_text("The iliac crest.")).to_be_visible()
    page.get_by_role("button", name="Turn keyboard shortcuts on").click()
    page.locator("#answer").focus()
    page.keyboard.press("3")  # Good: a learning step, back in 10 minutes...
    expect(page.get_by_role("status")).to_contain_text("Good: back in 10 min")
    # ...and, nothing else being left today, it comes back in this session.
    expect(page.get_by_text("Back for another try")).to_be_visible()
    page.keyboard.press("Space")
    expect(page.get_by_text("The iliac crest.")).to_be_visible()
    page.locator("#answer").focus()
    page.keyboard.press("4")  # Easy: days away
    expect(page.get_by_role("heading", name="Nothing more to review today")).to_be_visible()
    expect(page.get_by_text("3 done today")).to_be_visible()
    screenshot("07-review-finished")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot("07-review-finished-1280")
    page.set_viewport_size({"width": 390, "height": 844})

    logs = ReviewLog.objects.filter(user=user).order_by("reviewed_at")
    assert list(logs.values_list("rating", "confidence", "in_quiz")) == [
        (1, None, True),  # the quiz answer that made the card: not one of today's reviews
        (4, 3, False),
        (3, None, False),
        (4, None, False),
    ]
    assert Card.objects.get(user=user, kind="key_point").reps == 2

    page.goto(live_server.url + "/")
    expect(page.get_by_text("Today's review done: 3 answers")).to_be_visible()

    page.goto(live_server.url + "/review/progress/")
    expect(
        page.get_by_text("Cards due today and on each of the next 14 days").first
    ).to_be_visible()
    screenshot("09-review-progress")
