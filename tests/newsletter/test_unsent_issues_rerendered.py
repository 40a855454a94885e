"""Issues drafted before headings were kept get their body rendered again, the email way;
an issue already sent keeps the body its subscribers got."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from newsletter.models import Issue

pytestmark = pytest.mark.django_db

migration = importlib.import_module("newsletter.migrations.0005_rerender_unsent_issue_bodies")


def test_unsent_issues_get_their_headings_back_and_sent_ones_stay_as_sent():
    draft = Issue.objects.create(subject="Draft", body_md="# Heading\n\nText")
    sent = Issue.objects.create(
        subject="Sent", body_md="# Heading\n\nText", send_started_at=timezone.now()
    )
    old = "Heading\n<p>Text</p>"  # as the lessons' cleaning left an h1
    Issue.objects.update(body_html=old)
    migration.rerender(apps, None)
    draft.refresh_from_db()
    sent.refresh_from_db()
    assert draft.body_html.startswith("<h2>Heading</h2>")
    assert sent.body_html == old
