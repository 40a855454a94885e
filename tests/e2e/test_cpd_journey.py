"""A new clinician in Chromium, from sign-up to a verified CPD certificate, without ever
opening the details page: lessons count only after reading time, a failed module quiz
cools down and its retake draws the other twins, and the certificate waits for the
reflection and evaluation. The clock moves with time-machine (the live server runs in
this process), so nothing waits for real."""

import re
from datetime import timedelta

import pypdfium2
import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from completion.models import Certificate, Evaluation, Reflection
from course.engagement import required_seconds
from quizzes.models import Choice, Question, Sitting
from tests.e2e.nav import expect_signed_in
from tests.factories import (
    CPD_FEEDBACK,
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    QuizFactory,
    question_with,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def _course():
    course = CourseFactory(
        slug="cpd",
        title="Telling buttock nerve pain sources apart",
        audience="clinician",
        cpd_hours=2,
        description_md="## Learning outcomes\n\n1. Tell the cluneal nerves apart.\n",
    )
    module = ModuleFactory(course=course, title="Anatomy")
    lessons = [
        LessonFactory(module=module, slug="scn", title="Superior cluneal", order=1, minutes=4),
        LessonFactory(module=module, slug="mcn", title="Middle cluneal", order=2, minutes=4),
    ]
    quiz = QuizFactory(module=module, slug="anatomy", title="Anatomy quiz", pass_mark=80)
    questions = [question_with(quiz, correct=(0,), lesson=lessons[i % 2]) for i in range(4)]
    # Two twin pairs: each sitting asks one case of each pair.
    questions[0].twins.add(questions[1])
    questions[2].twins.add(questions[3])
    return course, lessons, quiz


def _answer(page: Page, question_ids: list[int], *, right: bool) -> None:
    for question in Question.objects.filter(pk__in=question_ids):
        choice = Choice.objects.filter(question=question, is_correct=right).first()
        page.locator(f"input[name='q{question.pk}'][value='{choice.pk}']").check()
        page.locator(f"#q{question.pk}-confidence-3").check()  # Sure
    page.get_by_role("button", name="Submit answers").click()


def _sitting(user, quiz) -> list[int]:
    return Sitting.objects.get(user=user, quiz=quiz, attempt__isnull=True).question_ids


def test_a_new_clinician_earns_a_certificate_by_learning(live_server, page, screenshot, settings):
    settings.SITE_URL = live_server.url
    course, lessons, quiz = _course()
    visited: list[str] = []
    page.on("request", lambda r: visited.append(r.url))

    with time_machine.travel(timezone.now(), tick=True) as clock:
        # Sign up from the course page: the health professional's form, once.
        page.goto(f"{live_server.url}/courses/cpd/")
        page.get_by_role("link", name="Sign up to enrol").first.click()
        page.get_by_label("Email address", exact=True).fill("mary.cpd@example.org")
        page.get_by_label("Full name").fill("Mary Seacole")
        page.get_by_label("Profession").fill("Nurse")
        page.get_by_label("Registration number").fill("NMC 12A3456B")
        page.get_by_label("Choose a password").fill(PASSWORD)
        page.get_by_label("Type the password again").fill(PASSWORD)
        page.get_by_role("button", name="Create an account", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
        body = mail.outbox[-1].body
        link = re.search(r"(https?://\S+/accounts/confirm-email/\S+/)", body).group(1)
        page.goto(link)
        page.get_by_role("button", name="Confirm my address").click()
        expect_signed_in(page)
        user = User.objects.get(email="mary.cpd@example.org")

        page.goto(f"{live_server.url}/courses/cpd/")
        page.get_by_role("button", name="Enrol in this course").click()

        # A lesson opened and marked done at once does not count; read, it does.
        for lesson in lessons:
            page.goto(f"{live_server.url}{lesson.get_absolute_url()}")
            page.get_by_role("button", name=re.compile("^Mark as done")).click()
            expect(page.get_by_text("You've only just opened this lesson.")).to_be_visible()
            clock.shift(timedelta(seconds=required_seconds(lesson) + 5))
            page.get_by_role("button", name=re.compile("^Mark as done")).click()
            expect(page.get_by_text("You've only just opened")).to_have_count(0)
        assert user.lesson_progress.filter(completed_at__isnull=False).count() == 2

        # The module quiz: two of the four cases, failed; the retake waits a day.
        page.goto(f"{live_server.url}{quiz.get_absolute_url()}")
        expect(page.get_by_text("2 questions, drawn from a pool of 4")).to_be_visible()
        first = _sitting(user, quiz)
        _answer(page, first, right=False)
        expect(page.get_by_text(re.compile("You can retake this quiz from"))).to_be_visible()
        page.goto(f"{live_server.url}{quiz.get_absolute_url()}")
        expect(page.get_by_text(re.compile("You can retake this quiz from"))).to_be_visible()
        screenshot("30-quiz-cooling-down")
        assert not Sitting.objects.filter(user=user, attempt__isnull=True).exists()

        # After the cool-down the retake asks about the other twins, and is passed.
        clock.shift(timedelta(hours=24, minutes=1))
        page.goto(f"{live_server.url}{quiz.get_absolute_url()}")
        second = _sitting(user, quiz)
        assert set(second).isdisjoint(first) and len(second) == 2
        _answer(page, second, right=True)

        # Complete: the certificate waits for the reflection and evaluation only.
        page.goto(f"{live_server.url}/courses/cpd/complete/")
        expect(page.get_by_text("Your certificate is issued as soon as")).to_be_visible()
        expect(page.locator("main a[href*='/accounts/details/']")).to_have_count(0)
        page.get_by_role("link", name="Reflect on the course and evaluate it").click()
        page.get_by_label("What will you change in your practice?").fill(CPD_FEEDBACK.change)
        for name in Evaluation.STATEMENTS:
            page.locator(f"input[name='{name}'][value='4']").check()
        screenshot("31-reflection-and-evaluation")
        page.get_by_role("button", name="Save and get my certificate").click()
        expect(page.get_by_text("Your CPD certificate is ready")).to_be_visible()

    certificate = Certificate.objects.get(user=user)
    assert (certificate.name, certificate.profession) == ("Mary Seacole", "Nurse")
    assert Reflection.objects.get(completion__user=user).change == CPD_FEEDBACK.change
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your certificate (PDF)").click()
    text = pypdfium2.PdfDocument(download.value.path())[0].get_textpage().get_text_range()
    assert "Mary Seacole" in text and certificate.code in text

    page.get_by_role("link", name="Your CPD record, with your reflection").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CPD record")
    expect(page.get_by_text(CPD_FEEDBACK.change)).to_be_visible()
    screenshot("32-cpd-record")

    # The code as a person might type it leads to the certificate's own address.
    page.goto(f"{live_server.url}/certificates/{certificate.code.lower()}/")
    expect(page).to_have_url(f"{live_server.url}/certificates/{certificate.code}/")
    expect(page.get_by_text("Valid.", exact=True)).to_be_visible()
    assert not [url for url in visited if "/accounts/details" in url]
