"""The revisions engine on lessons: a draft is kept beside the live row, publishing writes
it onto the row in one transaction and numbers it, and the history holds every version."""

from datetime import timedelta

import pytest
from django.utils import timezone

from course import revisions
from course.models import Lesson, PublicationEvent, Reference, Revision
from lib.errors import AppError, ErrorKind
from tests.factories import LessonFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return StaffFactory()


def _data(lesson, **changes):
    return {**revisions.adapter_for(lesson).snapshot(lesson), **changes}


def test_a_lessons_snapshot_is_its_editable_fields_as_json():
    lesson = LessonFactory(
        objectives=["Name the nerve"],
        key_points=[{"front": "Q", "back": "A"}],
        reviewed_on=timezone.now().date().replace(year=2025, month=3, day=1),
        minutes=7,
    )
    data = revisions.adapter_for(Lesson).snapshot(lesson)
    assert data == {
        "title": lesson.title,
        "summary": lesson.summary,
        "objectives": ["Name the nerve"],
        "key_points": [{"front": "Q", "back": "A"}],
        "sources": [],
        "authors": "",
        "reviewed_on": "2025-03-01",
        "body_md": lesson.body_md,
        "minutes": 7,
        "is_free": False,
    }


def test_the_first_draft_records_the_live_version_first(editor):
    lesson = LessonFactory(body_md="Old text.")
    draft = revisions.draft_save(item=lesson, data=_data(lesson, body_md="New."), by=editor)
    baseline = Revision.objects.get(number=1)
    assert (baseline.status, baseline.note) == ("published", "As first published")
    assert baseline.data["body_md"] == "Old text."
    assert (draft.status, draft.number, draft.based_on) == ("draft", None, 1)


def test_saving_again_updates_the_one_draft(editor):
    lesson = LessonFactory()
    first = revisions.draft_save(item=lesson, data=_data(lesson, title="One"), by=editor)
    other = StaffFactory()
    second = revisions.draft_save(item=lesson, data=_data(lesson, title="Two"), by=other)
    assert first.pk == second.pk
    assert Revision.objects.filter(status="draft").count() == 1
    second.refresh_from_db()
    assert (second.data["title"], second.created_by, second.updated_by) == ("Two", editor, other)


def test_publishing_writes_the_draft_onto_the_row_and_bumps_the_version(editor):
    lesson = LessonFactory(body_md="Old text.")
    draft = revisions.draft_save(
        item=lesson, data=_data(lesson, body_md="**New** text."), by=editor
    )
    assert revisions.draft_publish(revision=draft, by=editor) == 2
    lesson.refresh_from_db()
    assert (lesson.body_md, lesson.version) == ("**New** text.", 2)
    assert "<strong>New</strong>" in lesson.body_html  # rendered, as any save does
    draft.refresh_from_db()
    assert (draft.status, draft.number, draft.published_by) == ("published", 2, editor)
    event = PublicationEvent.objects.get()
    assert (event.action, event.object_id, event.by) == ("published", lesson.pk, editor)
    assert revisions.open_revision(lesson) is None


def test_a_second_draft_becomes_version_three(editor):
    lesson = LessonFactory()
    for title in ["Two", "Three"]:
        draft = revisions.draft_save(item=lesson, data=_data(lesson, title=title), by=editor)
        revisions.draft_publish(revision=draft, by=editor)
        lesson.refresh_from_db()
    assert (lesson.title, lesson.version) == ("Three", 3)
    assert [r.number for r in revisions.history(lesson)] == [3, 2, 1]


def test_a_failing_publish_leaves_the_row_and_the_draft_as_they_were(editor, monkeypatch):
    lesson = LessonFactory(body_md="Old text.")
    draft = revisions.draft_save(item=lesson, data=_data(lesson, body_md="New text."), by=editor)
    adapter = revisions.adapter_for(lesson)
    real_apply = adapter.apply

    def apply_then_fail(item, data):
        real_apply(item, data)  # the row is written…
        raise RuntimeError("the disk is full")  # …and then something breaks

    monkeypatch.setattr(adapter, "apply", apply_then_fail)
    with pytest.raises(RuntimeError):
        revisions.draft_publish(revision=draft, by=editor)
    lesson.refresh_from_db()
    assert (lesson.body_md, lesson.version) == ("Old text.", 1)
    draft.refresh_from_db()
    assert (draft.status, draft.number) == ("draft", None)
    assert not PublicationEvent.objects.exists()


def test_publishing_invalid_data_is_refused_with_the_problems(editor):
    lesson = LessonFactory(body_md="Old text.")
    bad = _data(lesson, title=" ", minutes=0, key_points=[{"front": "Q", "back": ""}])
    bad["sources"] = ["no-such-work"]
    draft = revisions.draft_save(item=lesson, data=bad, by=editor)
    with pytest.raises(AppError) as refused:
        revisions.draft_publish(revision=draft, by=editor)
    assert refused.value.kind is ErrorKind.INVALID
    for problem in [
        "The lesson needs a title.",
        "The reading time must be a whole number of minutes, 1 or more.",
        "Each key point needs a front and a back.",
        "Unknown sources: no-such-work.",
    ]:
        assert problem in refused.value.message
    lesson.refresh_from_db()
    assert lesson.version == 1 and revisions.open_revision(lesson).status == "draft"


def test_known_sources_pass(editor):
    Reference.objects.create(key="smith-2020", citation="Smith 2020", kind="review")
    lesson = LessonFactory()
    draft = revisions.draft_save(item=lesson, data=_data(lesson, sources=["smith-2020"]), by=editor)
    assert revisions.draft_publish(revision=draft, by=editor) == 2


def test_publishing_a_published_draft_again_is_refused(editor):
    lesson = LessonFactory()
    draft = revisions.draft_save(item=lesson, data=_data(lesson, title="New"), by=editor)
    stale = Revision.objects.get(pk=draft.pk)  # another editor's copy of the same draft
    revisions.draft_publish(revision=draft, by=editor)
    with pytest.raises(AppError) as again:
        revisions.draft_publish(revision=stale, by=editor)
    assert again.value.kind is ErrorKind.ALREADY_DONE
    assert Lesson.objects.get().version == 2


def test_discard_throws_the_draft_away(editor):
    lesson = LessonFactory(title="Old")
    draft = revisions.draft_save(item=lesson, data=_data(lesson, title="New"), by=editor)
    revisions.draft_discard(revision=draft, by=editor)
    draft.refresh_from_db()
    assert draft.status == "discarded"
    assert revisions.open_revision(lesson) is None
    assert Lesson.objects.get().title == "Old"
    with pytest.raises(AppError):
        revisions.draft_publish(revision=draft, by=editor)
    # A new save starts a new draft.
    assert revisions.draft_save(item=lesson, data=_data(lesson), by=editor).pk != draft.pk


def test_restore_starts_a_draft_from_an_old_version(editor):
    lesson = LessonFactory(title="First")
    draft = revisions.draft_save(item=lesson, data=_data(lesson, title="Second"), by=editor)
    revisions.draft_publish(revision=draft, by=editor)
    first = revisions.history(lesson)[-1]
    restored = revisions.revision_restore(revision=first, by=editor)
    assert (restored.status, restored.data["title"]) == ("draft", "First")
    assert restored.note == "Restored from version 1"
    lesson.refresh_from_db()
    assert revisions.draft_publish(revision=restored, by=editor) == 3
    lesson.refresh_from_db()
    assert (lesson.title, lesson.version) == ("First", 3)


def test_restore_will_not_overwrite_an_open_draft(editor):
    lesson = LessonFactory()
    revisions.draft_save(item=lesson, data=_data(lesson, title="Work in progress"), by=editor)
    with pytest.raises(AppError, match="publish or discard it"):
        revisions.revision_restore(revision=revisions.history(lesson)[0], by=editor)
    assert revisions.open_revision(lesson).data["title"] == "Work in progress"


def test_editing_a_scheduled_draft_returns_it_to_a_draft(editor):
    lesson = LessonFactory()
    draft = revisions.draft_save(item=lesson, data=_data(lesson, title="New"), by=editor)
    revisions.draft_schedule(
        revision=draft, publish_at=timezone.now() + timedelta(days=1), by=editor
    )
    again = revisions.draft_save(item=lesson, data=_data(lesson, title="Newer"), by=editor)
    assert (again.pk, again.status, again.publish_at) == (draft.pk, "draft", None)


def test_version_data_and_diff(editor):
    lesson = LessonFactory(title="Old", body_md="One.\nTwo.", minutes=5)
    draft = revisions.draft_save(
        item=lesson, data=_data(lesson, title="New", body_md="One.\nThree.", minutes=5), by=editor
    )
    revisions.draft_publish(revision=draft, by=editor)
    old = revisions.version_data(Lesson, lesson.pk, 1)
    new = revisions.version_data(Lesson, lesson.pk, 2)
    assert revisions.version_data(Lesson, lesson.pk, 3) is None
    diffs = revisions.revision_diff(old, new, revisions.adapter_for(Lesson))
    assert [d.field.key for d in diffs] == ["title", "body_md"]  # minutes did not change
    title, body = diffs
    assert (title.old, title.new, title.lines) == ("Old", "New", [])
    assert [(line.kind, line.text) for line in body.lines] == [
        ("same", "One."),
        ("removed", "Two."),
        ("added", "Three."),
    ]


def test_a_lesson_learners_may_see_soon_is_live_for_editing():
    adapter = revisions.adapter_for(Lesson)
    assert adapter.is_live(LessonFactory())
    assert adapter.is_live(LessonFactory(publish_at=timezone.now() + timedelta(days=2)))
    assert not adapter.is_live(LessonFactory(status="draft"))


def test_an_unregistered_model_has_no_adapter():
    with pytest.raises(LookupError):
        revisions.adapter_for(Reference)


def test_a_diff_shows_a_change_with_a_few_lines_around_it_not_the_whole_lesson(editor):
    body = [f"Line {n}." for n in range(1, 41)]
    lesson = LessonFactory(body_md="\n".join(body))
    changed = body[:19] + ["Line twenty, reworded."] + body[20:]
    diffs = revisions.revision_diff(
        {"body_md": lesson.body_md},
        {"body_md": "\n".join(changed)},
        revisions.adapter_for(Lesson),
    )
    assert [(line.kind, line.text) for line in diffs[0].lines] == [
        ("skipped", "… 16 unchanged lines …"),
        ("same", "Line 17."),
        ("same", "Line 18."),
        ("same", "Line 19."),
        ("removed", "Line 20."),
        ("added", "Line twenty, reworded."),
        ("same", "Line 21."),
        ("same", "Line 22."),
        ("same", "Line 23."),
        ("skipped", "… 17 unchanged lines …"),
    ]
