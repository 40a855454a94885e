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
        post_migrate.connect(sync_site, sender=self)
