"""What saving a live lesson's form may and may not do: it never takes the lesson away
from learners, keeps a scheduled draft's schedule unless the draft changes (and then
says so), keeps the draft's note when the list saves an order, reads CRLF line ends as
no change, and warns at once of what would stop the draft being published."""

from datetime import timedelta

import pytest
from django.utils import timezone

from course import revisions
from course.models import Lesson, Revision
from tests.course.test_revisions_admin import _change_url, _form
from tests.factories import LessonFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = StaffFactory()
    client.force_login(user)
    return user


def _page(client, response) -> str:
    return client.get(response.url).content.decode().replace("&#x27;", "'")


def test_the_form_cannot_take_a_live_lesson_from_learners(client, editor):
    lesson = LessonFactory()
    later = timezone.localtime() + timedelta(days=365)
    response = client.post(
        _change_url(lesson),
        _form(
            lesson,
            status="draft",
            publish_at_0=later.strftime("%Y-%m-%d"),
            publish_at_1=later.strftime("%H:%M:%S"),
        ),
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.is_live()
    page = client.get(_change_url(lesson)).content.decode()
    assert 'name="status"' not in page and "Return the selected items to draft" in page


def _scheduled_draft(lesson, editor, note="Clearer"):
    data = revisions.adapter_for(Lesson).snapshot(lesson) | {"body_md": "Drafted."}
    draft = revisions.draft_save(item=lesson, data=data, by=editor, note=note)
    revisions.draft_schedule(
        revision=draft, publish_at=timezone.now() + timedelta(hours=2), by=editor
    )
    return draft


def test_the_lists_order_boxes_keep_a_scheduled_draft_and_its_note(client, editor):
    lesson = LessonFactory(order=1)
    draft = _scheduled_draft(lesson, editor)
    client.post(
        "/admin/course/lesson/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(lesson.pk),
            "form-0-order": "5",
            "_save": "Save",
        },
    )
    lesson.refresh_from_db()
    draft.refresh_from_db()
    assert lesson.order == 5
    assert (draft.status, draft.note) == (Revision.Status.SCHEDULED, "Clearer")


def test_changing_a_scheduled_draft_unschedules_it_and_says_so(client, editor):
    lesson = LessonFactory()
    draft = _scheduled_draft(lesson, editor)
    response = client.post(_change_url(lesson), _form(lesson, body_md="Drafted again."))
    draft.refresh_from_db()
    assert draft.status == Revision.Status.DRAFT and draft.publish_at is None
    assert "it was changed, so it is no longer scheduled" in _page(client, response)


def test_crlf_line_ends_from_the_browser_are_no_change(client, editor):
    lesson = LessonFactory(body_md="One.\n\nTwo.")
    client.post(_change_url(lesson), _form(lesson, body_md="One.\r\n\r\nTwo."))
    assert revisions.open_revision(lesson) is None
    draft = LessonFactory(status="draft", body_md="One.")
    client.post(_change_url(draft), _form(draft, body_md="One.\r\nThree."))
    draft.refresh_from_db()
    assert draft.body_md == "One.\nThree."


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("# A top heading\n\nText.", "Start headings at “## ”"),
        ("Text.\n\n[figure: no-such-diagram]\n", "no diagram named “no-such-diagram”"),
    ],
)
def test_what_the_lesson_page_cannot_show_is_a_form_error(client, editor, body, message):
    lesson = LessonFactory(body_md="Kept.")
    response = client.post(_change_url(lesson), _form(lesson, body_md=body))
    assert response.status_code == 200
    assert any(message in e for e in response.context["adminform"].form.errors["body_md"])
    assert revisions.open_revision(lesson) is None


def test_a_lesson_slug_taken_in_the_course_is_a_form_error_not_a_crash(client, editor):
    taken = LessonFactory(slug="cluneal-nerves")
    other = LessonFactory(module=taken.module, slug="other", status="draft")
    response = client.post(_change_url(other), _form(other, slug="cluneal-nerves"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [
        "Another lesson of this course has this slug."
    ]


def test_a_draft_that_could_not_be_published_is_flagged_when_saved(client, editor):
    lesson = LessonFactory()
    # The form takes a reading time of 0 minutes; publishing does not.
    response = client.post(_change_url(lesson), _form(lesson, minutes=0))
    assert response.status_code == 302
    assert revisions.open_revision(lesson).data["minutes"] == 0
    assert "This draft cannot be published yet" in _page(client, response)
