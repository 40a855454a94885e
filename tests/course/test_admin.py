"""Editors publish, schedule, withdraw and preview content in the admin."""

from datetime import timedelta

import pytest
from django.utils import timezone

from course.models import Lesson, PublicationEvent
from tests.factories import DRAFT, LessonFactory, ModuleFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = StaffFactory()
    client.force_login(user)
    return user


def _lesson_form(lesson, **changes):
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


def test_publishing_a_draft_records_who_and_when(client, editor):
    lesson = LessonFactory(status=DRAFT)
    url = f"/admin/course/lesson/{lesson.pk}/change/"
    response = client.post(url, _lesson_form(lesson, status="published"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    lesson.refresh_from_db()
    assert lesson.is_live() and lesson.published_by == editor
    event = PublicationEvent.objects.get()
    assert (event.action, event.by, event.object_id) == ("published", editor, lesson.pk)


def test_scheduling_with_a_future_time_is_recorded_as_scheduled(client, editor):
    lesson = LessonFactory(status=DRAFT)
    later = timezone.localtime(timezone.now() + timedelta(days=2))
    client.post(
        f"/admin/course/lesson/{lesson.pk}/change/",
        _lesson_form(
            lesson,
            status="published",
            publish_at_0=later.strftime("%Y-%m-%d"),
            publish_at_1=later.strftime("%H:%M:%S"),
        ),
    )
    lesson.refresh_from_db()
    assert lesson.state_label == "Scheduled" and not lesson.is_live()
    assert PublicationEvent.objects.get().action == "scheduled"


def test_return_to_draft_action_hides_and_records(client, editor):
    lesson = LessonFactory()
    client.post(
        "/admin/course/lesson/", {"action": "return_to_draft", "_selected_action": [lesson.pk]}
    )
    lesson.refresh_from_db()
    assert lesson.status == DRAFT
    assert PublicationEvent.objects.get().action == "unpublished"


def test_markdown_is_rendered_and_sanitised_on_save(client, editor):
    lesson = LessonFactory(status=DRAFT)  # a live lesson's edit goes to a draft instead
    client.post(
        f"/admin/course/lesson/{lesson.pk}/change/",
        _lesson_form(
            lesson,
            body_md='## Title\n\n<script>alert(1)</script><a href="javascript:x()">x</a> **ok**',
        ),
    )
    lesson.refresh_from_db()
    assert "<strong>ok</strong>" in lesson.body_html
    assert "<script" not in lesson.body_html and "javascript:" not in lesson.body_html


def test_reordering_from_the_list_changes_the_reading_order(client, editor):
    module = ModuleFactory()
    a = LessonFactory(module=module, order=1, slug="a")
    b = LessonFactory(module=module, order=2, slug="b")
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "form-0-id": a.pk,
        "form-0-order": "2",
        "form-1-id": b.pk,
        "form-1-order": "1",
        "_save": "Save",
    }
    response = client.post(f"/admin/course/lesson/?module__id__exact={module.pk}", data)
    assert response.status_code == 302
    assert list(Lesson.objects.filter(module=module).values_list("slug", flat=True)) == ["b", "a"]


@pytest.mark.parametrize(
    "page", ["course", "module", "lesson", "publicationevent", "enrollment", "reference"]
)
def test_admin_lists_open(client, editor, page):
    LessonFactory()
    assert client.get(f"/admin/course/{page}/").status_code == 200


def test_lesson_edit_page_shows_authors_and_review_date(client, editor):
    lesson = LessonFactory()
    page = client.get(f"/admin/course/lesson/{lesson.pk}/change/").content.decode()
    assert 'name="authors"' in page and 'name="reviewed_on"' in page


def test_preview_link_opens_the_learner_page(client, editor):
    lesson = LessonFactory(status=DRAFT)
    listing = client.get("/admin/course/lesson/").content.decode()
    assert f'href="{lesson.get_absolute_url()}"' in listing
    assert "Preview: learners cannot see" in client.get(lesson.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "page",
    [
        "reviews/card",
        "reviews/reviewlog",
        "reminders/reminder",
        "quizzes/quiz",
        "quizzes/question",
        "quizzes/attempt",
        "outbox/outboundemail",
        "django_celery_beat/periodictask",
    ],
)
def test_other_admin_lists_open(client, editor, page):
    assert client.get(f"/admin/{page}/").status_code == 200
