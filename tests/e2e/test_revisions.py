"""An editor changes a live lesson in Chromium: the change is saved as a draft, the
preview shows it, a learner in another browser goes on reading the published text, and
after "Publish now" the learner reads the new text."""

import pytest

from tests.e2e.test_accessibility import ALL_RULES, AXE
from tests.e2e.test_memory_admin import AXE_ON_CONTENT
from tests.factories import EnrollmentFactory, LessonFactory, StaffFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_editor_drafts_previews_and_publishes_while_the_learner_reads_on(
    live_server, browser, page, session_cookie, screenshot
):
    lesson = LessonFactory(body_md="The sciatic nerve runs OLD-WORDING under the piriformis.")
    learner = UserFactory()
    EnrollmentFactory(user=learner, course=lesson.course)
    lesson_url = f"{live_server.url}{lesson.get_absolute_url()}"

    page.set_viewport_size({"width": 1280, "height": 900})
    page.context.add_cookies([session_cookie(StaffFactory())])
    page.context.add_init_script(path=AXE)
    page.goto(f"{live_server.url}/admin/course/lesson/{lesson.pk}/change/")
    page.fill("#id_body_md", "The sciatic nerve runs NEW-WORDING beside the piriformis.")
    page.fill("#id_revision_note", "Clearer anatomy")
    page.click("input[name=_save]")
    page.get_by_text("Draft saved. Learners still see version 1.").wait_for()
    screenshot("revisions-draft-saved")

    # The preview: the draft as a learner will see it.
    preview = page.get_by_role("link", name="Preview as a learner").get_attribute("href")
    page.goto(f"{live_server.url}{preview}")
    page.get_by_text("Preview: this is the draft.").wait_for()
    assert "NEW-WORDING" in page.inner_text("article")
    assert "OLD-WORDING" not in page.inner_text("article")

    # A learner, in a browser of their own, still reads the published text.
    learner_context = browser.new_context()
    learner_context.add_cookies([session_cookie(learner)])
    reader = learner_context.new_page()
    reader.goto(lesson_url)
    assert "OLD-WORDING" in reader.inner_text("article")
    assert "NEW-WORDING" not in reader.inner_text("article")

    page.go_back()
    page.get_by_role("button", name="Publish now").click()
    page.get_by_text("Published: learners now see version 2.").wait_for()

    reader.reload()
    assert "NEW-WORDING" in reader.inner_text("article")
    assert "OLD-WORDING" not in reader.inner_text("article")
    learner_context.close()

    # The history: both versions, the change between them, and no faults axe can find.
    page.get_by_role("link", name="History of versions").click()
    page.get_by_role("heading", name="Version 2 (live)").wait_for()
    assert "Clearer anatomy" in page.inner_text("#content")
    assert page.get_by_role("button", name="Restore version 1 as a draft").is_visible()
    violations = page.evaluate(AXE_ON_CONTENT, ALL_RULES)
    assert not violations, violations
    screenshot("revisions-history")
