"""Editors change a live lesson through a draft in the admin: save, see the draft, preview,
publish, schedule, discard, and read and restore the history."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from course import revisions
from course.models import Lesson, Revision
from tests.factories import LessonFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = StaffFactory(name="Edna Editor")
    client.force_login(user)
    return user


def _form(lesson, **changes):
    data = {
        "module": lesson.module_id,
        "title": lesson.title,
        "slug": lesson.slug,
        "summary": lesson.summary,
        "minutes": lesson.minutes,
        "order": lesson.order,
        "body_md": lesson.body_md,
        "objectives": "[]",
        "key_points": "[]",
        "sources": "[]",
        "status": lesson.status,
        "publish_at_0": timezone.localtime(lesson.publish_at).strftime("%Y-%m-%d"),
        "publish_at_1": timezone.localtime(lesson.publish_at).strftime("%H:%M:%S"),
    }
    data.update(changes)
    return data


def _change_url(lesson):
    return f"/admin/course/lesson/{lesson.pk}/change/"


def test_saving_a_live_lesson_writes_a_draft_and_leaves_the_row(client, editor):
    lesson = LessonFactory(body_md="Old text.")
    response = client.post(
        _change_url(lesson), _form(lesson, body_md="New text.", revision_note="Clearer")
    )
    assert response.status_code == 302
    assert response.url == _change_url(lesson)
    page = client.get(response.url).content.decode()
    assert "Draft saved. Learners still see version 1." in page
    lesson.refresh_from_db()
    assert (lesson.body_md, lesson.version) == ("Old text.", 1)
    draft = revisions.open_revision(lesson)
    assert draft is not None and draft.data["body_md"] == "New text."
    assert (draft.note, draft.created_by) == ("Clearer", editor)
    # The form shows the draft, with the panel's actions.
    assert "New text.</textarea>" in page
    assert "Preview as a learner" in page and f"?revision={draft.pk}" in page
    assert "Publish now" in page and "Discard the draft" in page


def test_saving_only_the_order_of_a_live_lesson_makes_no_draft(client, editor):
    lesson = LessonFactory(order=3)
    client.post(_change_url(lesson), _form(lesson, order=7))
    lesson.refresh_from_db()
    assert lesson.order == 7
    assert revisions.open_revision(lesson) is None


def test_a_draft_lesson_is_still_edited_directly(client, editor):
    lesson = LessonFactory(status="draft", body_md="Old text.")
    client.post(_change_url(lesson), _form(lesson, body_md="New text."))
    lesson.refresh_from_db()
    assert lesson.body_md == "New text."
    assert not Revision.objects.exists()


def test_publish_now_from_the_panel(client, editor):
    lesson = LessonFactory(body_md="Old text.")
    client.post(_change_url(lesson), _form(lesson, body_md="New text."))
    response = client.post(f"/admin/course/lesson/{lesson.pk}/draft/publish/", follow=True)
    assert "Published: learners now see version 2." in response.content.decode()
    lesson.refresh_from_db()
    assert (lesson.body_md, lesson.version) == ("New text.", 2)
    assert "New text." in lesson.body_html


def test_publish_refuses_invalid_data_with_a_message(client, editor):
    lesson = LessonFactory(body_md="Old text.")
    revisions.draft_save(
        item=lesson,
        data={**revisions.adapter_for(lesson).snapshot(lesson), "body_md": "  "},
        by=editor,
    )
    response = client.post(f"/admin/course/lesson/{lesson.pk}/draft/publish/", follow=True)
    assert "This draft cannot be published: The lesson needs a body." in response.content.decode()
    lesson.refresh_from_db()
    assert (lesson.body_md, lesson.version) == ("Old text.", 1)


def test_schedule_reads_the_time_in_the_editors_zone(client, editor):
    editor.time_zone = "America/New_York"
    editor.save()
    lesson = LessonFactory()
    client.post(_change_url(lesson), _form(lesson, body_md="New text."))
    when = (
        (timezone.now() + timedelta(days=3))
        .astimezone(ZoneInfo("America/New_York"))
        .replace(second=0, microsecond=0)
    )
    response = client.post(
        f"/admin/course/lesson/{lesson.pk}/draft/schedule/",
        {"publish_at": when.strftime("%Y-%m-%dT%H:%M")},
        follow=True,
    )
    assert "Scheduled: the draft will be published at" in response.content.decode()
    draft = revisions.open_revision(lesson)
    assert draft.status == Revision.Status.SCHEDULED and draft.publish_at == when


def test_schedule_in_the_past_is_refused(client, editor):
    lesson = LessonFactory()
    client.post(_change_url(lesson), _form(lesson, body_md="New text."))
    response = client.post(
        f"/admin/course/lesson/{lesson.pk}/draft/schedule/",
        {"publish_at": "2001-01-01T10:00"},
        follow=True,
    )
    assert "Choose a time in the future, or publish now." in response.content.decode()
    assert revisions.open_revision(lesson).status == Revision.Status.DRAFT


def test_schedule_without_a_time_is_a_message_not_an_error(client, editor):
    lesson = LessonFactory()
    client.post(_change_url(lesson), _form(lesson, body_md="New text."))
    response = client.post(
        f"/admin/course/lesson/{lesson.pk}/draft/schedule/", {"publish_at": "soon"}, follow=True
    )
    assert response.status_code == 200
    assert "Choose the date and time to publish the draft." in response.content.decode()


def test_discard_from_the_panel(client, editor):
    lesson = LessonFactory(body_md="Old text.")
    client.post(_change_url(lesson), _form(lesson, body_md="New text."))
    response = client.post(f"/admin/course/lesson/{lesson.pk}/draft/discard/", follow=True)
    assert "Draft discarded. Learners still see version 1." in response.content.decode()
    assert revisions.open_revision(lesson) is None
    assert "Old text.</textarea>" in client.get(_change_url(lesson)).content.decode()


def test_the_panels_actions_take_only_post(client, editor):
    lesson = LessonFactory()
    assert client.get(f"/admin/course/lesson/{lesson.pk}/draft/publish/").status_code == 405


def test_the_panels_actions_are_for_staff_only(client):
    lesson = LessonFactory()
    client.force_login(StaffFactory(is_staff=False, is_superuser=False))
    response = client.post(f"/admin/course/lesson/{lesson.pk}/draft/publish/")
    assert response.status_code == 302 and "/admin/login/" in response.url
    assert lesson.version == Lesson.objects.get().version == 1


def test_history_shows_who_when_and_an_escaped_diff(client, editor):
    lesson = LessonFactory(body_md="Line one.\nLine two.")
    client.post(
        _change_url(lesson),
        _form(lesson, body_md="Line one.\n<script>alert('x')</script>", revision_note="Tidy"),
    )
    client.post(f"/admin/course/lesson/{lesson.pk}/draft/publish/")
    page = client.get(f"/admin/course/lesson/{lesson.pk}/versions/").content.decode()
    assert "Version 2 (live)" in page and "Version 1" in page
    assert "Edna Editor" in page and "“Tidy”" in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert re.search(r"Removed: </span>.*Line two\.", page)
    assert "Restore version 1 as a draft" in page
    assert "Restore version 2" not in page  # the live one


def test_restore_makes_a_draft_of_an_old_version(client, editor):
    lesson = LessonFactory(body_md="Old text.")
    client.post(_change_url(lesson), _form(lesson, body_md="New text."))
    client.post(f"/admin/course/lesson/{lesson.pk}/draft/publish/")
    response = client.post(f"/admin/course/lesson/{lesson.pk}/versions/1/restore/", follow=True)
    assert "Version 1 is now the draft" in response.content.decode()
    draft = revisions.open_revision(lesson)
    assert draft.data["body_md"] == "Old text." and draft.note == "Restored from version 1"
    lesson.refresh_from_db()
    assert lesson.body_md == "New text."  # until the editor publishes it


def test_restore_of_an_unknown_version_is_404(client, editor):
    lesson = LessonFactory()
    assert client.post(f"/admin/course/lesson/{lesson.pk}/versions/9/restore/").status_code == 404


def test_the_history_page_reads_in_fixed_queries(client, editor, django_assert_num_queries):
    lesson = LessonFactory()

    def publish(title):
        data = {**revisions.adapter_for(lesson).snapshot(lesson), "title": title}
        draft = revisions.draft_save(item=lesson, data=data, by=StaffFactory())
        revisions.draft_publish(revision=draft, by=StaffFactory())

    publish("Two")
    url = f"/admin/course/lesson/{lesson.pk}/versions/"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for title in ["Three", "Four", "Five"]:
        publish(title)
    revisions.draft_save(
        item=lesson, data={**revisions.adapter_for(lesson).snapshot(lesson)}, by=editor
    )
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "Version 5 (live)" in page


def test_the_lesson_list_says_which_version_is_live_and_where_a_draft_is_open(client):
    editor = StaffFactory()
    drafted, plain = LessonFactory(title="Has a draft"), LessonFactory(title="No draft")
    data = revisions.adapter_for(Lesson).snapshot(drafted) | {"title": "Has a draft, edited"}
    revisions.draft_save(item=drafted, data=data, by=editor)
    client.force_login(editor)
    page = client.get("/admin/course/lesson/").content.decode()
    row = page.split("Has a draft</a>")[1].split("</tr>")[0]
    assert "Published · v1 · draft open" in row
    assert "draft open" not in page.split("No draft</a>")[1].split("</tr>")[0]
    assert plain.title in page
