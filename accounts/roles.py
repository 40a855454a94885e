"""Roles given by group: the Editors, who write, publish and send.

An editor is a staff user in the "Editors" group. The group's permissions are listed
here, as "app_label.codename" strings, and nowhere else: after every migrate the group is
brought in step with this list, app by app (accounts.apps), and `manage.py
ensure_editor_group` does the same on demand. Strings, not imports, so that this low
layer names the permissions of apps above it without importing them.

What an editor may not touch: people (users, groups, clinician profiles, email
addresses), API tokens, the sites record, the beat schedule (django_celery_beat) and the
outbox. Delete is given nowhere: a lesson, module or course leaves learners' sight by
returning it to draft, and deleting one would take learners' progress, answers and cards
with it; a reference, a question's option or a revision is history that answers and
certificates point at.
"""

from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db.models import Q

EDITORS = "Editors"


def _write(app_label: str, *models: str) -> list[str]:
    return [f"{app_label}.{verb}_{model}" for model in models for verb in ("add", "change", "view")]


def _view(app_label: str, *models: str) -> list[str]:
    return [f"{app_label}.view_{model}" for model in models]


EDITOR_PERMISSIONS: frozenset[str] = frozenset(
    [
        *_write("course", "course", "module", "lesson", "reference", "revision"),
        *_view("course", "publicationevent"),
        *_write("quizzes", "quiz", "question", "choice"),
        *_view("quizzes", "attempt", "sitting"),
        *_write("newsletter", "issue"),
        "newsletter.send_issue",
        *_view("newsletter", "subscriber"),
        *_view("reviews", "memoryfit"),
        # Revoking a certificate needs change_certificate: kept for superusers.
        *_view("completion", "certificate"),
    ]
)


def _codenames(app_label: str) -> set[str]:
    return {p.split(".", 1)[1] for p in EDITOR_PERMISSIONS if p.split(".", 1)[0] == app_label}


def sync_editor_group(
    *, app_labels: set[str] | None = None, apps: Apps = global_apps, using: str = "default"
) -> None:
    """Make the Editors group hold exactly EDITOR_PERMISSIONS: for the given apps (after
    migrate, the one just migrated), listed permissions added and any other of those
    apps' permissions taken away; with no apps given, all at once. Idempotent. A
    permission not created yet (its app not migrated) is skipped; the next migrate adds
    it."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(using).get_or_create(name=EDITORS)
    if app_labels is None:
        wanted = [
            p
            for p in Permission.objects.using(using).select_related("content_type")
            if f"{p.content_type.app_label}.{p.codename}" in EDITOR_PERMISSIONS
        ]
        group.permissions.set(wanted)
        return
    for label in app_labels:
        of_app = Permission.objects.using(using).filter(content_type__app_label=label)
        group.permissions.add(*of_app.filter(codename__in=_codenames(label)))
        group.permissions.remove(*of_app.filter(~Q(codename__in=_codenames(label)), group=group))


def sync_editor_group_after_migrate(
    sender: AppConfig,
    app_config: AppConfig,
    apps: Apps = global_apps,
    using: str = "default",
    **kwargs: Any,
) -> None:
    """post_migrate, sent once per app after auth has created that app's permissions:
    bring that app's share of the group in step."""
    try:
        apps.get_model("auth", "Permission")
    except LookupError:  # auth is not migrated in this database
        return
    sync_editor_group(app_labels={app_config.label}, apps=apps, using=using)
