"""Every page a person can reach passes axe-core's WCAG 2.1 A/AA and best-practice rules
on a phone (390 px) and a desktop (1280 px), in the light and in the dark scheme; and
nothing on it scrolls sideways at 320 px. One run reports every failure.

To check a new page, add a `Visit` to PAGES: a name, whose browser it opens in, and an
address (formatted with the `World` the test builds) or the steps that reach it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Response

from completion.models import CourseCompletion
from completion.services import certificate_issue
from course.content_loader import load_content
from course.models import Course, Lesson, Module
from course.services import enrollment_create
from newsletter import services as newsletter
from quizzes.models import Confidence, Quiz
from quizzes.painmap import REGIONS
from quizzes.services import attempt_submit, questions_to_take
from reminders.services import unsubscribe_token
from reviews.models import Card
from reviews.services import cards_from_lesson
from tests.factories import (
    ClinicianFactory,
    StaffFactory,
    UserFactory,
    feedback_given,
    finish_lesson,
    give_reading_time,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
AXE_RUN = """options => axe.run(document, {...options, resultTypes: ['violations']})
    .then(r => r.violations.map(v => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html})),
    })))"""
ALL_RULES = {"runOnly": {"type": "tag", "values": TAGS}}
# Colours that say which scheme the page is drawn in.
SCHEME_COLOURS = """() => [document.documentElement, document.body]
    .map(e => getComputedStyle(e).backgroundColor + ' ' + getComputedStyle(e).color).join()"""
# The elements that stick out past the right edge (the culprits of a sideways scroll).
OVERFLOWING = """() => {
    const width = window.innerWidth, found = [];
    for (const el of document.body.querySelectorAll('*')) {
        const box = el.getBoundingClientRect();
        if (box.right > width + 0.5 && box.width > 0 && found.length < 5) {
            const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                (el.classList.length ? '.' + [...el.classList].join('.') : '');
            found.push({target: name + ' (right edge at ' + Math.round(box.right) + ' px)',
                        html: el.outerHTML.replace(/\\s+/g, ' ').slice(0, 120)});
        }
    }
    return found;
}"""
WIDTHS = (390, 1280)
SCHEMES = ("light", "dark")
NARROWEST = 320
HEIGHT = 900


@dataclass
class World:
    """What the pages are about: the shipped courses, and learners at points in them."""

    free_lesson: str
    locked_lesson: str
    patient_course: str
    cpd_course: str
    region: str
    quiz: str
    fresh_quiz: str
    attempt: str
    certificate: str
    newsletter_confirm: str
    newsletter_link: str
    reminders_token: str
    users: dict[str, Any]  # by role; the visitor has none
    values: dict[str, str] = field(default_factory=dict)

    @property
    def patient(self) -> Any:
        return self.users["patient"]


Reach = Callable[[Page, World, str], Response | None]


@dataclass(frozen=True)
class Visit:
    name: str
    role: str  # visitor, patient, clinician, graduate (finished the CPD course), staff
    go: str | Reach  # an address formatted with the World as `w`, or steps
    status: int = 200  # the answer expected, so that a wrong turn is not checked instead
    shows: str = ""  # text on the page that says it is the state meant (after a form)
    missing_ok: bool = False  # a page that may not exist yet: checked once it does


def _click(button: str) -> Reach:
    def reach(page: Page, world: World, base: str) -> Response | None:
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name=button).first.click()
        return navigation.value

    return reach


def _fill_and_submit(fields: dict[str, str | bool], button: str) -> Reach:
    def reach(page: Page, world: World, base: str) -> Response | None:
        for label, value in fields.items():
            control = page.get_by_label(re.compile(label)).first
            if value is True:
                control.check()
            else:
                control.fill(value.format(w=world))
        return _click(button)(page, world, base)

    return reach


def _then(*steps: Reach) -> Reach:
    def reach(page: Page, world: World, base: str) -> Response | None:
        response = None
        for step in steps:
            response = step(page, world, base) or response
        return response

    return reach


def _goto(address: str) -> Reach:
    def reach(page: Page, world: World, base: str) -> Response | None:
        return page.goto(base + address.format(w=world))

    return reach


def _served(template: str, status: int, with_request: bool = False) -> Reach:
    """An error page that no view of ours gives on demand, rendered as Django renders it
    (400 and 500 without a request) and served at an address of the site."""

    def reach(page: Page, world: World, base: str) -> Response | None:
        request = None
        if with_request:
            request = RequestFactory().get("/")
            request.user = AnonymousUser()
        html = render_to_string(template, request=request)
        address = f"{base}/error-{status}/"
        page.route(
            address,
            lambda route: route.fulfill(status=status, body=html, content_type="text/html"),
        )
        return page.goto(address)

    return reach


def _without_cookies(page: Page, world: World, base: str) -> Response | None:
    """The session and CSRF cookies gone (expired, or cleared) while the page was open."""
    page.context.clear_cookies()
    return None


def _password_reset_link(page: Page, world: World, base: str) -> Response | None:
    """The link in the email the reset form sent."""
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    return page.goto(base + link.group(1))


def _answer_card_right(
    page: Page, world: World, base: str, sure: str = "Fairly sure"
) -> Response | None:
    """Choose the right options of the quiz card on the page, say how sure (unless
    `sure` is empty), and check the answer."""
    card = Card.objects.filter(user=world.patient, kind="question").order_by("due", "pk").first()
    assert card and card.question
    for choice in card.question.choices.filter(is_correct=True, retired=False):
        page.locator(f"input[name=choices][value='{choice.pk}']").set_checked(True, force=True)
    if sure:
        page.get_by_label(sure, exact=True).check()
    return _click("Check my answer")(page, world, base)


def _answer_card_unsure(page: Page, world: World, base: str) -> Response | None:
    return _answer_card_right(page, world, base, sure="")


def _postpone_quiz_cards(page: Page, world: World, base: str) -> Response | None:
    """Leave today's queue the new key-point card alone."""
    tomorrow = timezone.now() + timedelta(days=1)
    Card.objects.filter(user=world.patient, kind="question").update(due=tomorrow)
    return None


# Every page a person can reach, in the order a run visits them (some steps build on the
# page before). Django's admin is its own: not here.
PAGES: list[Visit] = [
    # A visitor.
    Visit("home", "visitor", "/"),
    Visit("self-help course", "visitor", "/courses/{w.patient_course}/"),
    Visit("CPD course", "visitor", "/courses/{w.cpd_course}/"),
    Visit("free lesson", "visitor", "{w.free_lesson}"),
    Visit("locked lesson", "visitor", "{w.locked_lesson}"),
    Visit("module quiz, signed out", "visitor", "{w.quiz}"),
    Visit("self-help references", "visitor", "/courses/{w.patient_course}/references/"),
    Visit("CPD references", "visitor", "/courses/{w.cpd_course}/references/"),
    Visit("pain locator", "visitor", "/pain-map/"),
    Visit("about", "visitor", "/about/"),
    Visit("contact", "visitor", "/contact/"),
    Visit("privacy", "visitor", "/privacy/"),
    Visit("terms", "visitor", "/terms/"),
    Visit("pain locator, a region chosen", "visitor", "/pain-map/?region={w.region}"),
    Visit("sign in", "visitor", "/accounts/login/"),
    Visit(
        "sign in, wrong password",
        "visitor",
        _fill_and_submit(
            {"^Email": "nobody@example.org", "^Password": "wrong-password"}, "Sign in"
        ),
        shows="do not match",
    ),
    Visit("sign up", "visitor", "/accounts/signup/"),
    Visit(
        "sign up, with errors",
        "visitor",
        _fill_and_submit(
            {
                "^Email": "{w.values[patient_email]}",  # taken
                "^Your name": "Sam",
                "^Choose a password": "a-long-test-password",
                "^Type the password again": "another-test-password",
            },
            "Create an account",
        ),
        shows="same password",
    ),
    Visit("sign up as a health professional", "visitor", "/accounts/signup/?as=clinician"),
    Visit(
        "sign up as a health professional, with errors",
        "visitor",
        _fill_and_submit(
            {
                "^Email": "dr.new@example.org",
                "^Full name": "Wang Ming",
                "^Name on certificates": "王明",  # the certificate has no letters for it
                "^Profession": "Physiotherapist",
                "^Registration number": "PH123",
                "^Choose a password": "a-long-test-password",
                "^Type the password again": "a-long-test-password",
            },
            "Create an account",
        ),
        shows="Certificates cannot print",
    ),
    Visit(
        "sign up, check your email",
        "visitor",
        _then(
            _goto("/accounts/signup/"),
            _fill_and_submit(
                {
                    "^Email": "new@example.org",
                    "^Your name": "Sam",
                    "^Choose a password": "a-long-test-password",
                    "^Type the password again": "a-long-test-password",
                },
                "Create an account",
            ),
        ),
        shows="Check your inbox",
    ),
    Visit("password reset", "visitor", "/accounts/password/reset/"),
    Visit(
        "password reset, sent",
        "visitor",
        _fill_and_submit({"^Email": "{w.values[patient_email]}"}, "Email me a link"),
        shows="we have emailed it a link",
    ),
    Visit(
        "password reset, new password",
        "visitor",
        _password_reset_link,
        shows="Choose a new password",
    ),
    Visit("newsletter sign-up", "visitor", "/newsletter/"),
    Visit(
        "newsletter sign-up, with errors",
        "visitor",
        _click("Subscribe"),
        status=400,
        shows="Please check the form",
    ),
    Visit("newsletter, check your inbox", "visitor", "/newsletter/check-your-inbox/"),
    Visit("newsletter, confirm", "visitor", "/newsletter/confirm/{w.newsletter_confirm}/"),
    Visit(
        "newsletter, confirmed",
        "visitor",
        _click("Confirm my subscription"),
        shows="You are subscribed",
    ),
    Visit("newsletter, a bad link", "visitor", "/newsletter/confirm/not-a-token/", status=400),
    Visit("newsletter, unsubscribe", "visitor", "/newsletter/unsubscribe/{w.newsletter_link}/"),
    Visit(
        "newsletter, unsubscribed", "visitor", _click("Unsubscribe"), shows="You are unsubscribed"
    ),
    Visit("reminders, unsubscribe", "visitor", "/reminders/unsubscribe/{w.reminders_token}/"),
    Visit(
        "reminders, unsubscribed",
        "visitor",
        _click("Stop review reminders"),
        shows="no more review reminders",
    ),
    Visit("certificate verification", "visitor", "/certificates/{w.certificate}/"),
    Visit(
        "certificate verification, unknown code",
        "visitor",
        "/certificates/NO-SUCH-CODE/",
        status=404,
    ),
    Visit("page not found", "visitor", "/no-such-page/", status=404),
    Visit("bad request", "visitor", _served("400.html", 400), status=400),
    Visit("not allowed", "visitor", _served("403.html", 403, with_request=True), status=403),
    Visit("server error", "visitor", _served("500.html", 500), status=500),
    Visit(
        "a form sent after its cookies went",
        "visitor",
        _then(
            _goto("/accounts/login/"),
            _without_cookies,
            _fill_and_submit({"^Email": "{w.values[patient_email]}", "^Password": "x"}, "Sign in"),
        ),
        status=403,
        shows="could not be sent",
    ),
    # A patient, enrolled in the self-help course, who took its first quiz yesterday.
    Visit("dashboard", "patient", "/"),
    Visit("self-help course, enrolled", "patient", "/courses/{w.patient_course}/"),
    Visit("a lesson", "patient", "{w.locked_lesson}"),
    Visit("lesson marked done", "patient", _click("Mark as done"), shows="is done."),
    Visit("a lesson done", "patient", "{w.locked_lesson}", shows="Mark as not done"),
    Visit("review, a quiz card", "patient", "/review/", shows="Quiz question"),
    Visit(
        "review, how sure not said",
        "patient",
        _answer_card_unsure,
        status=400,
        shows="Say how sure you are",
    ),
    Visit(
        "review, the answer checked",
        "patient",
        _answer_card_right,
        shows="Right, and you were fairly sure: Good, back in",
    ),
    Visit(
        "review, a key point",
        "patient",
        _then(_postpone_quiz_cards, _goto("/review/")),
        shows="Say or think the answer",
    ),
    Visit(
        "review, the answer shown",
        "patient",
        _click("Show answer"),
        shows="How well did you remember it?",
    ),
    Visit(
        "review, session finished", "patient", _click("Easy"), shows="Nothing more to review today"
    ),
    Visit("review progress", "patient", "/review/progress/"),
    Visit("your details", "patient", "/accounts/details/"),
    Visit("review settings", "patient", "/review/settings/"),
    Visit("delete account", "patient", "/accounts/delete/"),
    Visit("change password", "patient", "/accounts/password/change/"),
    Visit("email addresses", "patient", "/accounts/email/"),
    Visit("newsletter preferences", "patient", "/newsletter/preferences/{w.values[patient_link]}/"),
    Visit("sign out", "patient", "/accounts/logout/"),
    # A clinician in the CPD course.
    Visit("CPD course, enrolled", "clinician", "/courses/{w.cpd_course}/"),
    Visit("a module quiz", "clinician", "{w.fresh_quiz}"),
    Visit(
        "a module quiz, unanswered",
        "clinician",
        _click("Submit answers"),
        status=400,
        shows="need an answer",
    ),
    Visit("quiz result with feedback", "clinician", "{w.attempt}", shows="Study these first"),
    Visit(
        "a failed module quiz, cooling down",
        "clinician",
        "{w.quiz}",
        shows="You can retake this quiz from",
    ),
    Visit("certificates, none yet", "clinician", "/certificates/"),
    # A clinician who finished the CPD course.
    Visit("CPD course, completed", "graduate", "/courses/{w.cpd_course}/", shows="Completed on"),
    Visit(
        "course complete",
        "graduate",
        "/courses/{w.cpd_course}/complete/",
        shows="You finished the course",
    ),
    Visit("certificates", "graduate", "/certificates/", shows="Download"),
    Visit("CPD record", "graduate", "/courses/{w.cpd_course}/cpd-record/", shows="Reflection"),
    # A clinician who finished the CPD course and has not yet reflected.
    Visit(
        "course complete, certificate waiting",
        "finisher",
        "/courses/{w.cpd_course}/complete/",
        shows="issued as soon as",
    ),
    Visit(
        "reflection and evaluation",
        "finisher",
        "/courses/{w.cpd_course}/complete/reflect/",
        shows="What will you change in your practice?",
    ),
    Visit(
        "reflection and evaluation, not filled in",
        "finisher",
        _click("Save and get my certificate"),
        shows="Please check the form",
    ),
    # Staff.
    Visit("dashboard, staff", "staff", "/"),
    Visit("style guide", "staff", "/style/", missing_ok=True),
]


def _world() -> World:
    assert load_content().ok
    now = timezone.now()
    yesterday = now - timedelta(days=1)
    # Published a while ago, so that the learners can have been at it yesterday.
    for model in (Course, Module, Lesson):
        model.objects.update(publish_at=now - timedelta(days=7))
    patient_course = Course.objects.get(audience="patient")
    cpd_course = Course.objects.get(audience="clinician")
    free = Lesson.objects.get(course=patient_course, is_free=True)
    locked = Lesson.objects.filter(course=patient_course, is_free=False).order_by(
        "module__order", "order"
    )[0]

    patient = UserFactory(email="pat@example.org", name="Pat", new_cards_per_day=1)
    enrollment_create(user=patient, course=patient_course)
    finish_lesson(patient, free, yesterday)
    give_reading_time(patient, locked)  # read before; marked done on a page below
    cards_from_lesson(user=patient, lesson=free, now=yesterday)
    lesson_quiz = Quiz.objects.get(lesson=free)
    attempt_submit(
        user=patient, quiz=lesson_quiz, answers=_answers(patient, lesson_quiz), now=yesterday
    )
    subscriber = newsletter.subscribe_signed_in(user=patient)

    clinician = ClinicianFactory(email="doc@example.org", name="Dr Ada Lovelace")
    enrollment_create(user=clinician, course=cpd_course)
    first_cpd = Lesson.objects.filter(course=cpd_course).order_by("module__order", "order")[0]
    finish_lesson(clinician, first_cpd)
    module_quiz, fresh_quiz = Quiz.objects.filter(course=cpd_course, lesson__isnull=True).order_by(
        "module__order"
    )[:2]
    # A sitting of the pool with a question missed: failed, so the quiz cools down. Said
    # to be sure of every answer: the result has its certainty-based mark and the
    # confidently wrong answers to study first.
    answers = _answers(clinician, module_quiz, wrong=3)
    attempt = attempt_submit(
        user=clinician,
        quiz=module_quiz,
        answers=answers,
        confidences=dict.fromkeys(answers, Confidence.SURE.value),
    )
    assert not attempt.passed

    graduate = ClinicianFactory(email="grad@example.org", name="Dr Mary Seacole")
    graduate.clinician_profile.certificate_name = "Dr Mary Seacole"
    graduate.clinician_profile.save()
    enrollment_create(user=graduate, course=cpd_course)
    for lesson in Lesson.objects.filter(course=cpd_course):
        finish_lesson(graduate, lesson)
    completion, _ = CourseCompletion.objects.get_or_create(
        user=graduate, course=cpd_course, defaults={"completed_at": now}
    )
    feedback_given(completion, now)
    certificate = completion.certificates.first() or certificate_issue(
        completion=completion, now=now
    )
    assert certificate

    finisher = ClinicianFactory(email="fin@example.org", name="Dr Elizabeth Blackwell")
    enrollment_create(user=finisher, course=cpd_course)
    CourseCompletion.objects.create(user=finisher, course=cpd_course, completed_at=now)

    newsletter.subscribe(email="reader@example.org", health_professional=False, source="page")
    reader = newsletter.Subscriber.objects.get(email="reader@example.org")
    return World(
        free_lesson=free.get_absolute_url(),
        locked_lesson=locked.get_absolute_url(),
        patient_course=patient_course.slug,
        cpd_course=cpd_course.slug,
        region=REGIONS[0].key,
        quiz=module_quiz.get_absolute_url(),
        fresh_quiz=fresh_quiz.get_absolute_url(),
        attempt=attempt.get_absolute_url(),
        certificate=certificate.code,
        newsletter_confirm=newsletter.confirm_token(reader),
        newsletter_link=newsletter.link_token(reader),
        reminders_token=unsubscribe_token(patient),
        users={
            "patient": patient,
            "clinician": clinician,
            "graduate": graduate,
            "finisher": finisher,
            "staff": StaffFactory(email="editor@example.org"),
        },
        values={"patient_email": patient.email, "patient_link": newsletter.link_token(subscriber)},
    )


def _answers(user, quiz: Quiz, wrong: int = 1) -> dict[int, list[int]]:
    """Right answers to the questions the learner is shown (a module quiz's sitting), but
    for the first `wrong`: a result with something to learn."""
    answers = {}
    _, questions = questions_to_take(user=user, quiz=quiz)
    for i, question in enumerate(questions):
        choices = [c for c in question.choices.all() if not c.retired]
        right = [c.pk for c in choices if c.is_correct]
        wrongs = [c.pk for c in choices if not c.is_correct][:1]
        answers[question.pk] = wrongs if i < wrong and wrongs else right
    return answers


def test_every_page_passes_axe_and_fits_a_phone(live_server, browser, session_cookie, settings):
    settings.SITE_URL = live_server.url
    world = _world()
    base = live_server.url
    pages: dict[str, Page] = {}
    failures: list[Failure] = []
    problems: list[str] = []  # what is not an axe rule: a page not reached, a CSP refusal
    current = [""]

    def page_for(role: str) -> Page:
        """One browser context per role, signed in once, kept for the role's pages."""
        if role not in pages:
            context = browser.new_context(viewport={"width": WIDTHS[0], "height": HEIGHT})
            if role != "visitor":
                context.add_cookies([session_cookie(world.users[role])])
            # axe is in every document before its own scripts run (by the DevTools
            # protocol, which the Content-Security-Policy does not govern, and compiled
            # once for the context rather than once a page).
            context.add_init_script(path=AXE)
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.on(
                "console",
                lambda message: (
                    problems.append(f"{current[0]}: the CSP blocked: {message.text}")
                    if "Content Security Policy" in message.text
                    else None
                ),
            )
            pages[role] = page
        return pages[role]

    try:
        for visit in PAGES:
            current[0] = visit.name
            page = page_for(visit.role)
            go = _goto(visit.go) if isinstance(visit.go, str) else visit.go
            try:
                response = go(page, world, base)
            except PlaywrightError as exc:
                problems.append(f"{visit.name}: not reached: {str(exc).splitlines()[0]}")
                continue
            status = response.status if response is not None else None
            if visit.missing_ok and status == 404:
                continue
            if status != visit.status or (
                visit.role != "visitor" and "/accounts/login/" in page.url
            ):
                problems.append(
                    f"{visit.name}: reached {page.url} with status {status}, "
                    f"not the page (status {visit.status})"
                )
                continue
            if visit.shows and not page.get_by_text(visit.shows).first.is_visible():
                problems.append(f"{visit.name}: {visit.shows!r} is not on {page.url}")
                continue
            failures += _check(page, visit.name, problems)
    finally:
        for page in pages.values():
            page.context.close()
    assert not failures and not problems, _report(failures, problems)


@dataclass(frozen=True)
class Failure:
    page: str
    rule: str
    impact: str
    target: str
    html: str
    help: str
    where: str  # "390 light", "320" ...


def _check(page: Page, name: str, problems: list[str]) -> list[Failure]:
    """axe at each width and scheme, then the sideways scroll at the narrowest width.
    Widths and schemes change on the page as loaded: the layout is the server's, and a
    page reached by a form need not be posted again."""
    failures = []
    colours = {}
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": HEIGHT})
            options = ALL_RULES
            for rule in page.evaluate(AXE_RUN, options):
                for node in rule["nodes"]:
                    failures.append(
                        Failure(
                            page=name,
                            rule=rule["id"],
                            impact=rule["impact"],
                            target=node["target"],
                            html=" ".join(node["html"].split())[:120],
                            help=rule["help"],
                            where=f"{width} {scheme}",
                        )
                    )
        colours[scheme] = page.evaluate(SCHEME_COLOURS)
    if colours["light"] == colours["dark"]:
        problems.append(f"{name}: the same colours in light and dark ({colours['dark']})")
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": NARROWEST, "height": HEIGHT})
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll > inner:
        for culprit in page.evaluate(OVERFLOWING):
            failures.append(
                Failure(
                    page=name,
                    rule="sideways-scroll",
                    impact="serious",
                    target=culprit["target"],
                    html=culprit["html"],
                    help=f"The page is {scroll} px wide in a {inner} px window",
                    where=str(NARROWEST),
                )
            )
    page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
    return failures


def _report(failures: list[Failure], problems: list[str]) -> str:
    """Every failure once: the element, and the pages, widths and schemes it fails on (the
    header fails the same way on every page)."""
    groups: dict[tuple, dict[str, list[str]]] = {}
    for f in failures:
        key = (f.rule, f.impact, f.target, f.html, f.help)
        groups.setdefault(key, {}).setdefault(f.page, []).append(f.where)
    pages = {f.page for f in failures}
    lines = [f"{len(failures)} accessibility failures on {len(pages)} pages:"]
    for (rule, impact, target, html, help_), where in groups.items():
        lines.append(f"- {rule} ({impact}) {target}: {html}  ({help_})")
        by_where: dict[str, list[str]] = {}
        for page, at in where.items():
            by_where.setdefault(", ".join(at), []).append(page)
        for at, names in by_where.items():
            lines.append(f"    at {at} on {len(names)} page(s): {'; '.join(names)}")
    if problems:
        lines += ["", f"{len(problems)} other problems:", *(f"- {p}" for p in problems)]
    return "\n".join(lines)
