"""Learners read a live lesson's row, never its draft, until the draft is published; an
editor previews the draft (`?revision=`) exactly as an enrolled learner will see it."""

import pytest

from course import revisions
from course.models import LessonProgress
from tests.factories import (
    DRAFT,
    EnrollmentFactory,
    LessonFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SALES = "This lesson is free. Enrol to read"


@pytest.fixture
def editor():
    return StaffFactory()


@pytest.fixture
def lesson():
    return LessonFactory(body_md="The OLD-TEXT of the lesson.", is_free=True)


@pytest.fixture
def draft(lesson, editor):
    data = {
        **revisions.adapter_for(lesson).snapshot(lesson),
        "body_md": "The NEW-TEXT of the lesson.",
        "key_points": [{"front": "NEW-FRONT", "back": "NEW-BACK"}],
    }
    return revisions.draft_save(item=lesson, data=data, by=editor)


def _api(lesson):
    return f"/api/v1/courses/{lesson.course.slug}/lessons/{lesson.slug}/"


def test_learners_see_the_published_text_until_the_draft_is_published(
    client, api_client, lesson, draft, editor
):
    learner = UserFactory()
    EnrollmentFactory(user=learner, course=lesson.course)
    client.force_login(learner)
    api_client.force_authenticate(learner)
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert "OLD-TEXT" in page and "NEW-TEXT" not in page and "NEW-FRONT" not in page
    body = api_client.get(_api(lesson)).json()
    assert "OLD-TEXT" in body["body_html"] and "NEW-TEXT" not in str(body)

    revisions.draft_publish(revision=draft, by=editor)
    assert "NEW-TEXT" in client.get(lesson.get_absolute_url()).content.decode()
    assert "NEW-TEXT" in api_client.get(_api(lesson)).json()["body_html"]


def test_a_learner_asking_for_a_revision_gets_the_published_lesson(client, lesson, draft):
    client.force_login(UserFactory())
    response = client.get(f"{lesson.get_absolute_url()}?revision={draft.pk}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "OLD-TEXT" in page and "NEW-TEXT" not in page and "Preview" not in page


def test_an_anonymous_visitor_asking_for_a_revision_gets_the_published_lesson(
    client, lesson, draft
):
    page = client.get(f"{lesson.get_absolute_url()}?revision={draft.pk}").content.decode()
    assert "OLD-TEXT" in page and "NEW-TEXT" not in page


def test_an_editor_previews_the_draft_as_an_enrolled_learner_would(
    client, lesson, draft, editor, django_assert_num_queries
):
    client.force_login(editor)
    url = f"{lesson.get_absolute_url()}?revision={draft.pk}"
    with django_assert_num_queries(11):  # the page's own, and one for the revision
        page = client.get(url).content.decode()
    assert "NEW-TEXT" in page and "OLD-TEXT" not in page
    assert "NEW-FRONT" in page  # the draft's key points too
    assert "Preview: this is the draft. Learners see version 1 until it is published." in page
    assert SALES not in page and "Enrol" not in page
    assert "Mark as done" not in page
    assert not LessonProgress.objects.exists()  # a preview is no reading
    lesson.refresh_from_db()
    assert "OLD-TEXT" in lesson.body_html  # nothing was saved


def test_an_editor_previews_an_old_version(client, lesson, draft, editor):
    revisions.draft_publish(revision=draft, by=editor)
    first = revisions.history(lesson)[-1]
    client.force_login(editor)
    page = client.get(f"{lesson.get_absolute_url()}?revision={first.pk}").content.decode()
    assert "OLD-TEXT" in page
    assert "Preview: this is version 1. Learners see version 2." in page


def test_an_editors_unknown_or_foreign_revision_is_404(client, lesson, draft, editor):
    client.force_login(editor)
    other = LessonFactory(module=lesson.module)
    assert client.get(f"{other.get_absolute_url()}?revision={draft.pk}").status_code == 404
    for wanted in ["999999", "abc", "9" * 40, ""]:
        assert client.get(f"{lesson.get_absolute_url()}?revision={wanted}").status_code == 404


def test_a_draft_lesson_previewed_by_an_editor_has_no_sales_box(client, editor):
    lesson = LessonFactory(status=DRAFT, is_free=True, body_md="DRAFT-LESSON-TEXT")
    LessonFactory(module=lesson.module)  # another lesson, so the box would offer "1 other"
    client.force_login(editor)
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert "DRAFT-LESSON-TEXT" in page
    assert "Preview: learners cannot see this lesson yet (draft" in page
    assert SALES not in page and "Enrol" not in page and "Mark as done" not in page


def test_a_free_live_lesson_still_offers_enrolment_to_a_learner(client, lesson):
    LessonFactory(module=lesson.module)
    client.force_login(UserFactory())
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert SALES in page and "Preview" not in page
