"""Two editors at once: two first saves of a live lesson make one draft, and two
publishes of one draft publish it once. The database decides (a partial unique
constraint; the item's row lock and a conditional update)."""

import threading

import pytest
from django.db import connection

from course import revisions
from course.models import Lesson, PublicationEvent, Revision
from lib.errors import AppError, ErrorKind
from tests.factories import LessonFactory, StaffFactory

pytestmark = [pytest.mark.django_db(transaction=True)]


def _run_together(*calls):
    results, errors = [], []

    def run(call):
        try:
            results.append(call())
        except Exception as exc:  # noqa: BLE001 (reported by the caller's assertions)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a save never finished"
    return results, errors


def _data(lesson, **changes):
    return {**revisions.adapter_for(lesson).snapshot(lesson), **changes}


@pytest.mark.parametrize("history_started", [True, False])
def test_two_first_saves_at_once_make_one_draft(monkeypatch, history_started):
    lesson = LessonFactory()
    if history_started:
        # Version 1 is on record, so both saves go straight to inserting the draft.
        draft = revisions.draft_save(item=lesson, data=_data(lesson), by=None)
        revisions.draft_discard(revision=draft, by=None)
    ada, bob = StaffFactory(), StaffFactory()
    # Both saves find no draft, then wait for each other before inserting one: the worst
    # interleaving, every time. Without a history yet, they wait before the baseline.
    both_looked = threading.Barrier(2, timeout=30)
    seam = "_create_draft" if history_started else "_ensure_baseline"
    real = getattr(revisions, seam)

    def wait_then(*args, **kwargs):
        both_looked.wait()
        return real(*args, **kwargs)

    monkeypatch.setattr(revisions, seam, wait_then)
    results, errors = _run_together(
        lambda: revisions.draft_save(item=lesson, data=_data(lesson, title="Ada's"), by=ada),
        lambda: revisions.draft_save(item=lesson, data=_data(lesson, title="Bob's"), by=bob),
    )
    assert errors == []
    assert len(results) == 2 and results[0].pk == results[1].pk  # one draft for both
    drafts = Revision.objects.filter(status="draft")
    assert drafts.count() == 1
    assert drafts.get().data["title"] in {"Ada's", "Bob's"}  # the later save's
    assert Revision.objects.filter(number=1).count() == 1  # one baseline


def test_publishing_one_draft_twice_at_once_publishes_it_once():
    lesson = LessonFactory(title="Old")
    editor = StaffFactory()
    draft = revisions.draft_save(item=lesson, data=_data(lesson, title="New"), by=editor)
    start = threading.Barrier(2, timeout=30)

    def publish():
        start.wait()
        return revisions.draft_publish(revision=Revision.objects.get(pk=draft.pk), by=editor)

    results, errors = _run_together(publish, publish)
    assert results == [2]
    assert len(errors) == 1
    assert isinstance(errors[0], AppError) and errors[0].kind is ErrorKind.ALREADY_DONE
    lesson = Lesson.objects.get()
    assert (lesson.title, lesson.version) == ("New", 2)
    assert PublicationEvent.objects.count() == 1
    assert list(Revision.objects.order_by("number").values_list("number", flat=True)) == [1, 2]
