from urllib.parse import urlparse

from django.apps import AppConfig
from django.db.models.signals import post_migrate

SITE_NAME = "Buttock nerve pain"


def sync_site(sender, using="default", **kwargs) -> None:
    """Keep the sites framework's record (used in allauth's emails) in step with SITE_URL."""
    from django.conf import settings
    from django.contrib.sites.models import Site

    domain = urlparse(settings.SITE_URL).netloc or "localhost"
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": SITE_NAME}
    )


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.db.models.signals import post_init, post_save, pre_save

        from .models import User
        from .tokens import (
            note_password_change,
            remember_password_hash,
            revoke_tokens_after_password_change,
        )

        post_migrate.connect(sync_site, sender=self)
        # A new password ends every API token (see accounts.tokens for why on the model).
        post_init.connect(remember_password_hash, sender=User, dispatch_uid="tokens-hash")
        pre_save.connect(note_password_change, sender=User, dispatch_uid="tokens-password")
        post_save.connect(
            revoke_tokens_after_password_change, sender=User, dispatch_uid="tokens-revoke"
        )
