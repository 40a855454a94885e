"""About, contact, privacy and terms: who stands behind the site, linked from every page."""

import re

import pytest
from django.urls import reverse

from config.pages import LAST_UPDATED
from tests.factories import ClinicianFactory, CourseFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["/about/", "/contact/", "/privacy/", "/terms/"]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("who", ["anonymous", "patient", "clinician"])
def test_every_page_opens_for_everyone_with_its_last_updated_date(client, url, who):
    if who != "anonymous":
        client.force_login(UserFactory() if who == "patient" else ClinicianFactory())
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1>") == 1
    assert f'datetime="{LAST_UPDATED:%Y-%m-%d}"' in page


def test_the_urls_have_names():
    assert [reverse(f"pages:{name}") for name in ("about", "contact", "privacy", "terms")] == PAGES


@pytest.mark.parametrize("url", ["/", "/pain-map/", "/newsletter/", "/about/", "/no-such-page/"])
def test_the_footer_links_to_the_four_pages(client, url):
    page = client.get(url).content.decode()
    footer = page[page.index('<footer class="site-footer">') :]
    for target in PAGES:
        assert f'href="{target}"' in footer, (url, target)


def test_the_footer_links_show_on_a_course_page(client):
    CourseFactory(slug="c")
    footer = client.get("/courses/c/").content.decode().split('<footer class="site-footer">')[1]
    assert all(f'href="{target}"' in footer for target in PAGES)


def test_every_page_gives_the_configured_contact_address(client, settings):
    settings.CONTACT_EMAIL = "help@learn.example.org"
    for url in PAGES:
        assert 'href="mailto:help@learn.example.org"' in client.get(url).content.decode(), url


def test_contact_sends_emergencies_elsewhere_with_the_lessons_warning_signs(client):
    page = client.get("/contact/").content.decode()
    assert "cannot give individual medical advice" in page
    assert "emergency number" in page
    for sign in (
        "numbness between your legs",
        "loss of control of your bladder or bowels",
        "weakness in a leg that comes on suddenly or is getting worse",
        "fever",
    ):
        assert sign in page, sign


def test_privacy_links_to_export_details_delete_and_says_what_deletion_does(client):
    page = client.get("/privacy/").content.decode()
    for name in ("me:export", "me:details", "me:delete", "me:review_settings"):
        assert f'href="{reverse(name)}"' in page, name
    assert "/accounts/details/export/" in page
    assert "A deleted certificate no longer verifies" in page
    for cookie in ("sessionid", "csrftoken", "messages"):
        assert f"<code>{cookie}</code>" in page


def test_about_describes_review_and_verification_without_naming_reviewers(client):
    page = client.get("/about/").content.decode()
    assert 'id="review"' in page
    assert "/certificates/" in page
    assert "no advertising" in page
    assert 'id="errors"' in page


def test_terms_say_certificates_can_be_revoked_with_a_reason(client):
    page = client.get("/terms/").content.decode()
    assert "revoke a certificate" in page
    assert "record the reason" in page
    assert "education" in page.lower()


def test_every_in_page_link_has_its_target(client):
    """A table of contents whose links go nowhere is worse than none."""
    for url in PAGES:
        page = client.get(url).content.decode()
        for anchor in re.findall(r'href="#([\w-]+)"', page):
            assert f'id="{anchor}"' in page, (url, anchor)
