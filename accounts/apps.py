from typing import Any
from urllib.parse import urlparse

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.conf import settings
from django.db.models.signals import post_init, post_migrate, post_save, pre_save

from .roles import sync_editor_group_after_migrate

SITE_NAME = "Buttock nerve pain"


def sync_site(
    sender: AppConfig | None, apps: Apps = global_apps, using: str = "default", **kwargs: Any
) -> None:
    """Keep the sites framework's record (used in allauth's emails) in step with SITE_URL.
    `apps` is the migration state when migrate sends this; flush sends no state."""
    Site = apps.get_model("sites", "Site")
    domain = urlparse(settings.SITE_URL).netloc or "localhost"
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": SITE_NAME}
    )


class AccountsConfig(AppConfig):
    name = "accounts"
    # "People", not "Accounts": allauth's email addresses are listed as "Accounts" too.
    verbose_name = "People"

    def ready(self) -> None:
        # Models can be imported only once the app registry is ready, that is here.
        from .models import User  # noqa: PLC0415
        from .tokens import (  # noqa: PLC0415
            note_password_change,
            remember_password_hash,
            revoke_tokens_after_password_change,
        )

        post_migrate.connect(sync_site, sender=self)
        # Every app's post_migrate, not only ours: the group holds permissions of apps
        # migrated after this one, created only when their own signal is sent.
        post_migrate.connect(sync_editor_group_after_migrate, dispatch_uid="editor-group")
        # A new password ends every API token (see accounts.tokens for why on the model).
        post_init.connect(remember_password_hash, sender=User, dispatch_uid="tokens-hash")
        pre_save.connect(note_password_change, sender=User, dispatch_uid="tokens-password")
        post_save.connect(
            revoke_tokens_after_password_change, sender=User, dispatch_uid="tokens-revoke"
        )
