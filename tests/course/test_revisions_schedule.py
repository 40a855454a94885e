"""A scheduled draft is published by the beat job when its time comes; a missed run is
caught up by the next, and a repeated run publishes nothing twice."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from config.celery import app
from course import revisions, tasks
from course.models import Lesson
from lib.errors import AppError
from tests.factories import LessonFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _scheduled(lesson, editor, *, title, at):
    data = {**revisions.adapter_for(lesson).snapshot(lesson), "title": title}
    draft = revisions.draft_save(item=lesson, data=data, by=editor)
    revisions.draft_schedule(revision=draft, publish_at=at, by=editor)
    return draft


def test_a_scheduled_draft_is_published_when_its_time_comes():
    editor = StaffFactory()
    lesson = LessonFactory(title="Old")
    at = timezone.now() + timedelta(hours=2)
    draft = _scheduled(lesson, editor, title="New", at=at)

    assert revisions.publish_due_revisions(now=at - timedelta(minutes=1)) == 0
    assert Lesson.objects.get().title == "Old"
    with time_machine.travel(at + timedelta(seconds=30), tick=False):
        assert tasks.publish_due_revisions() == 1
    lesson.refresh_from_db()
    assert (lesson.title, lesson.version) == ("New", 2)
    draft.refresh_from_db()
    assert (draft.status, draft.published_by, draft.published_at) == (
        "published",
        editor,
        at + timedelta(seconds=30),
    )
    assert revisions.publish_due_revisions(now=at + timedelta(minutes=1)) == 0  # once only


def test_a_missed_run_is_caught_up_by_the_next():
    editor = StaffFactory()
    now = timezone.now()
    early = LessonFactory(title="Old early")
    late = LessonFactory(title="Old late")
    _scheduled(early, editor, title="New early", at=now + timedelta(minutes=5))
    _scheduled(late, editor, title="New late", at=now + timedelta(minutes=6))
    # The beat was down for an hour: the first run after it publishes both.
    assert revisions.publish_due_revisions(now=now + timedelta(hours=1)) == 2
    assert set(Lesson.objects.values_list("title", flat=True)) == {"New early", "New late"}


def test_a_draft_scheduled_then_published_by_hand_is_not_published_again():
    editor = StaffFactory()
    lesson = LessonFactory()
    at = timezone.now() + timedelta(hours=1)
    draft = _scheduled(lesson, editor, title="New", at=at)
    revisions.draft_publish(revision=draft, by=editor)
    assert revisions.publish_due_revisions(now=at + timedelta(minutes=1)) == 0
    assert Lesson.objects.get().version == 2


def test_a_scheduled_draft_that_no_longer_validates_goes_back_to_draft():
    editor = StaffFactory()
    lesson = LessonFactory()
    at = timezone.now() + timedelta(hours=1)
    draft = _scheduled(lesson, editor, title="New", at=at)
    draft.data = {**draft.data, "body_md": ""}  # as if the rules had changed since
    draft.save(update_fields=["data"])
    assert revisions.publish_due_revisions(now=at + timedelta(minutes=1)) == 0
    draft.refresh_from_db()
    assert (draft.status, draft.publish_at) == ("draft", None)
    assert Lesson.objects.get().version == 1


def test_scheduling_refuses_the_past_and_invalid_data():
    editor = StaffFactory()
    lesson = LessonFactory()
    data = revisions.adapter_for(lesson).snapshot(lesson)
    draft = revisions.draft_save(item=lesson, data={**data, "title": ""}, by=editor)
    with pytest.raises(AppError, match="in the future"):
        revisions.draft_schedule(
            revision=draft, publish_at=timezone.now() - timedelta(minutes=1), by=editor
        )
    with pytest.raises(AppError, match="needs a title"):
        revisions.draft_schedule(
            revision=draft, publish_at=timezone.now() + timedelta(hours=1), by=editor
        )
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_beat_runs_the_job_every_minute():
    entry = app.conf.beat_schedule["course-publish-due-revisions"]
    assert (entry["task"], entry["schedule"]) == ("course.tasks.publish_due_revisions", 60.0)


def test_the_job_publishes_the_draft_as_saved_now_and_not_one_changed_since_it_was_listed():
    editor = StaffFactory()
    lesson = LessonFactory(title="Old")
    at = timezone.now() + timedelta(hours=2)
    draft = _scheduled(lesson, editor, title="As scheduled", at=at)
    listed = revisions.open_revision(lesson)  # as the job read it
    # An editor changes the draft (which unschedules it) before the job gets to it.
    data = {**revisions.adapter_for(lesson).snapshot(lesson), "title": "Half-finished"}
    revisions.draft_save(item=lesson, data=data, by=editor)
    with pytest.raises(AppError, match="no longer scheduled"):
        revisions.draft_publish(revision=listed, by=editor, now=at, as_scheduled=True)
    lesson.refresh_from_db()
    assert (lesson.title, lesson.version) == ("Old", 1)
    # Published by hand from a stale copy, what goes out is the draft as saved now.
    assert draft.data["title"] == "As scheduled"
    assert revisions.draft_publish(revision=draft, by=editor) == 2
    lesson.refresh_from_db()
    assert lesson.title == "Half-finished"
