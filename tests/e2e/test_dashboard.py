"""The editors' dashboard in Chromium: at phone and desktop widths the page does not
scroll sideways, every section is there with its chart, and axe finds nothing to fault
in its content (the Content-Security-Policy blocks nothing: see the page fixture)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from course.models import LessonProgress
from tests.dashboard.activity import attempt, reminder, review, subscriber
from tests.e2e.test_accessibility import ALL_RULES, AXE
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    QuizFactory,
    StaffFactory,
)

from .test_memory_admin import AXE_ON_CONTENT

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MEASURE = """() => ({
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: window.innerWidth,
  sections: document.querySelectorAll('.dashboard-section').length,
  charts: document.querySelectorAll('.dashboard-section figure.plot').length,
  downloads: document.querySelectorAll('.dashboard-download a').length,
  apps: document.querySelectorAll('#content-main .app-accounts').length,
})"""


def _site():
    now, hour = timezone.now(), timedelta(hours=1)
    course = CourseFactory(title="Buttock nerve pain: what it is and what helps")
    lessons = [
        LessonFactory(module__course=course, title=title)
        for title in ("The cluneal nerves", "Where the nerves cross the iliac crest", "Treatment")
    ]
    quiz = QuizFactory(module=lessons[0].module, title="Module 1: the nerves")
    for n in range(12):
        user = EnrollmentFactory(course=course, created_at=now - timedelta(days=3 * n)).user
        for lesson in lessons[: 3 if n < 3 else 1 if n < 9 else 0]:
            LessonProgress.objects.create(user=user, lesson=lesson, course=course, completed_at=now)
        attempt(user, quiz, at=now - 3 * hour, passed=n % 3 == 0)
        reminder(user, created_at=now - timedelta(days=n, hours=5))
        review(user, lessons[0], now - timedelta(days=n, hours=4))
        subscriber(user.email, created_at=now - timedelta(days=4 * n), confirmed_at=now)


def test_dashboard_fits_a_phone_and_a_desktop(live_server, page, screenshot, session_cookie):
    _site()
    page.context.add_cookies([session_cookie(StaffFactory())])
    page.context.add_init_script(path=AXE)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/admin/")
        result = page.evaluate(MEASURE)
        assert result["scrollWidth"] <= result["innerWidth"], (width, result)
        assert (result["sections"], result["charts"], result["downloads"]) == (6, 6, 6)
        assert result["apps"] == 1, result  # the app list is still there
        violations = page.evaluate(AXE_ON_CONTENT, ALL_RULES)
        assert not violations, (width, violations)
        screenshot(f"dashboard-{width}")
