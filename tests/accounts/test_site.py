import pytest
from django.contrib.sites.models import Site

from accounts.apps import sync_site


@pytest.mark.django_db
def test_site_record_follows_site_url(settings):
    settings.SITE_URL = "https://learn.example.org"
    sync_site(sender=None)
    site = Site.objects.get(pk=settings.SITE_ID)
    assert (site.domain, site.name) == ("learn.example.org", "Buttock nerve pain")
