"""The Editors group: staff in it write, publish and send, and see nothing else of the
admin (people, tokens, the beat schedule, the outbox)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from accounts.roles import EDITOR_PERMISSIONS, EDITORS, sync_editor_group
from newsletter.models import Issue, Subscriber
from tests.factories import EditorFactory, LessonFactory, QuestionFactory, StaffFactory

pytestmark = pytest.mark.django_db


def group_permissions() -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=EDITORS).permissions.select_related("content_type")
    }


@pytest.fixture
def editor(client):
    user = EditorFactory()
    client.force_login(user)
    return user


def test_migrate_leaves_the_group_with_exactly_the_listed_permissions():
    assert group_permissions() == EDITOR_PERMISSIONS


def test_a_permission_added_by_hand_is_taken_away_again_and_syncing_twice_changes_nothing():
    group = Group.objects.get(name=EDITORS)
    group.permissions.add(Permission.objects.get(codename="change_user"))
    group.permissions.remove(Permission.objects.get(codename="send_issue"))
    call_command("ensure_editor_group")
    call_command("ensure_editor_group")
    assert group_permissions() == EDITOR_PERMISSIONS


def test_the_group_is_kept_in_step_app_by_app_after_migrate():
    group = Group.objects.get(name=EDITORS)
    group.permissions.add(Permission.objects.get(codename="delete_lesson"))
    group.permissions.remove(Permission.objects.get(codename="change_lesson"))
    sync_editor_group(app_labels={"course"})
    assert group_permissions() == EDITOR_PERMISSIONS


def test_editors_may_write_publish_and_send_but_not_delete_or_manage_people(editor):
    assert editor.has_perms(
        [
            "course.change_lesson",
            "course.add_revision",
            "quizzes.change_question",
            "newsletter.add_issue",
            "newsletter.send_issue",
            "completion.view_certificate",
        ]
    )
    for perm in [
        "course.delete_lesson",
        "accounts.view_user",
        "auth.change_group",
        "authtoken.view_tokenproxy",
        "django_celery_beat.view_periodictask",
        "outbox.view_outboundemail",
        "completion.change_certificate",
        "quizzes.change_attempt",
    ]:
        assert not editor.has_perm(perm), perm


@pytest.mark.parametrize(
    "url",
    [
        "/admin/course/lesson/{lesson}/change/",
        "/admin/course/lesson/",
        "/admin/quizzes/question/{question}/change/",
        "/admin/newsletter/issue/add/",
        "/admin/newsletter/issue/{issue}/change/",
        "/admin/newsletter/issue/{issue}/send/",
    ],
)
def test_an_editor_opens_lessons_questions_and_issues(client, editor, url):
    ids = {
        "lesson": LessonFactory().pk,
        "question": QuestionFactory().pk,
        "issue": Issue.objects.create(subject="News", body_md="Hello").pk,
    }
    assert client.get(url.format(**ids)).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/user/",
        "/admin/auth/group/",
        "/admin/authtoken/tokenproxy/",
        "/admin/django_celery_beat/periodictask/",
        "/admin/django_celery_beat/solarschedule/",
        "/admin/django_celery_beat/clockedschedule/",
        "/admin/outbox/outboundemail/",
        "/admin/account/emailaddress/",
        "/admin/sites/site/",
    ],
)
def test_an_editor_cannot_open_people_tokens_the_schedule_or_the_outbox(client, editor, url):
    assert client.get(url).status_code == 403


def test_staff_without_the_send_permission_cannot_send_an_issue(client):
    user = EditorFactory()
    user.groups.clear()
    user.user_permissions.add(
        *Group.objects.get(name=EDITORS).permissions.exclude(codename="send_issue")
    )
    client.force_login(user)
    issue = Issue.objects.create(subject="News", body_md="Hello")
    page = client.get(f"/admin/newsletter/issue/{issue.pk}/change/").content.decode()
    assert f"/admin/newsletter/issue/{issue.pk}/send/" not in page
    assert client.post(f"/admin/newsletter/issue/{issue.pk}/send/").status_code == 403
    issue.refresh_from_db()
    assert issue.send_started_at is None


def test_the_editors_admin_index_shows_only_their_sections(client, editor):
    page = client.get("/admin/").content.decode()
    for section in ["Lessons", "Questions", "Issues", "Memory fits", "Certificates"]:
        assert section in page, section
    for section in ["Solar events", "Clocked", "Tokens", "Periodic tasks", "Users", "Groups"]:
        assert section not in page, section
    assert ">Accounts<" not in page and ">People<" not in page


def test_a_superuser_sees_one_accounts_section_and_one_for_people(client):
    client.force_login(StaffFactory())
    page = client.get("/admin/").content.decode()
    assert page.count('title="Models in the Accounts application"') == 1
    assert page.count('title="Models in the People application"') == 1


def test_the_demo_editor_is_staff_in_the_editors_group_and_made_once():
    call_command("ensure_demo_editor")
    call_command("ensure_demo_editor")
    editor = User.objects.get(email="editor@example.com")
    assert editor.is_staff and not editor.is_superuser
    assert editor.check_password("change-me-editor")
    assert list(editor.groups.values_list("name", flat=True)) == [EDITORS]


def test_an_editor_sees_subscribers_but_may_not_export_their_addresses(client):
    Subscriber.objects.create(
        email="reader@example.org", consent_text="Yes", consent_at=timezone.now()
    )
    client.force_login(EditorFactory())
    page = client.get("/admin/newsletter/subscriber/").content.decode()
    assert "reader@example.org" in page and "export_csv" not in page
    response = client.post(
        "/admin/newsletter/subscriber/",
        {"action": "export_csv", "_selected_action": [Subscriber.objects.get().pk]},
    )
    assert response.get("Content-Type", "").startswith("text/html")  # refused, no CSV
