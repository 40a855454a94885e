"""The editors' memory model page in Chromium: at phone and desktop widths the page does
not scroll sideways (its tables scroll in their own frames), every figure is there, and
axe finds nothing to fault in its content."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from reviews.memory import DEFAULT_PARAMETERS
from reviews.models import MemoryFit
from tests.e2e.test_accessibility import ALL_RULES, AXE
from tests.factories import CourseFactory, StaffFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# axe on the page's content: the admin's own header and breadcrumbs are Django's.
AXE_ON_CONTENT = """options => axe.run(
        {include: ['#content']}, {...options, resultTypes: ['violations']})
    .then(r => r.violations.map(v => ({id: v.id, help: v.help,
        nodes: v.nodes.map(n => n.html)})))"""
MEASURE = """() => ({
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: window.innerWidth,
  frames: [...document.querySelectorAll('.table-scroll')].map(f => {
    const r = f.getBoundingClientRect();
    return {left: r.left, right: r.right};
  }),
  rows: document.querySelectorAll('table.figures tbody tr').length,
})"""


def test_memory_model_page_fits_a_phone_and_a_desktop(
    live_server, page, screenshot, session_cookie
):
    course = CourseFactory(title="Buttock pain: a course with a long title for a phone")
    MemoryFit.objects.create(
        scope=MemoryFit.Scope.COHORT,
        course=course,
        parameters=[round(w * 1.07, 4) for w in DEFAULT_PARAMETERS],
        fitted_at=timezone.now() - timedelta(hours=2),
        review_count=48_213,
        test_items=9_000,
        log_loss=0.3214,
        rmse=0.0462,
        default_log_loss=0.3393,
        default_rmse=0.0716,
        accepted=True,
        in_use=True,
    )
    editor = StaffFactory(is_superuser=False)
    editor.user_permissions.add(Permission.objects.get(codename="view_memoryfit"))
    page.context.add_cookies([session_cookie(editor)])
    page.context.add_init_script(path=AXE)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/admin/reviews/memoryfit/course/{course.pk}/")
        result = page.evaluate(MEASURE)
        assert result["scrollWidth"] <= result["innerWidth"], (width, result)
        assert result["rows"] == 2 + 21, (width, result)  # two measures, 21 parameters
        for frame in result["frames"]:
            assert frame["left"] >= -0.5 and frame["right"] <= width + 0.5, (width, frame)
        violations = page.evaluate(AXE_ON_CONTENT, ALL_RULES)
        assert not violations, (width, violations)
        screenshot(f"memory-model-{width}")
