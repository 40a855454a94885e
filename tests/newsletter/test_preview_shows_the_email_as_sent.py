"""The admin's preview of an issue is the whole email as subscribers get it (heading,
body, absolute links, unsubscribe footer), in a frame of its own, with the plain-text
part, the subject, segment and audience beside it; no "test send" banner, which only a
real test send carries."""

import re

import pytest
from django.utils import timezone

from newsletter.models import Issue, Subscriber
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

SITE = "https://learn.example.org"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def test_the_preview_and_its_frame_show_the_whole_email_and_no_test_banner(
    client, django_assert_num_queries
):
    client.force_login(StaffFactory())
    for email in ("a@example.org", "b@example.org"):
        Subscriber.objects.create(
            email=email,
            status="active",
            is_health_professional=True,
            consent_text="c",
            consent_at=timezone.now(),
        )
    issue = Issue.objects.create(
        subject="Spring news",
        segment="hp",
        body_md="# What is new\n\nA new lesson: see [the pain map](/pain-map/).\n\n- one\n- two",
    )
    with django_assert_num_queries(4):
        page = client.get(f"/admin/newsletter/issue/{issue.pk}/preview/")
    assert page.status_code == 200
    html = " ".join(page.content.decode().split())
    assert '<th scope="row">Subject</th><td>Spring news</td>' in html
    assert '<th scope="row">Segment</th><td>Health professionals</td>' in html
    assert "goes to <strong>2</strong> active subscribers" in html
    frame = f'src="/admin/newsletter/issue/{issue.pk}/preview/email/"'
    assert frame in html and "<iframe" in html and "srcdoc" not in html
    # The plain-text part, beside the frame: headings, lists and links as text.
    text = re.search(r'<pre class="email-text">(.*?)</pre>', page.content.decode(), re.S)[1]
    assert "What is new\n-----------" in text and "- one\n- two" in text
    assert f"the pain map ({SITE}/pain-map/)" in text
    assert f"Unsubscribe (one click): {SITE}/newsletter/" in text

    email = client.get(f"/admin/newsletter/issue/{issue.pk}/preview/email/").content.decode()
    assert email.startswith("<!DOCTYPE html>") and 'lang="en-GB"' in email
    assert re.search(r"<h1[^>]*>Spring news</h1>", email)
    assert re.search(r"<h2[^>]*>What is new</h2>", email)
    assert "A new lesson: see" in email
    assert re.search(rf'<a [^>]*href="{SITE}/pain-map/"[^>]*>the pain map</a>', email)
    assert re.search(rf'<a href="{SITE}/newsletter/">Unsubscribe</a>', email)
    assert "Health professional? Change your preference" in email
    for part in (html, text, email):
        assert "test send" not in part and "[TEST]" not in part
