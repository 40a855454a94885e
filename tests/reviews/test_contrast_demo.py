"""The demo clinician: yesterday they took the superior cluneal nerve for the sacroiliac
joint on a crest-block case, so today the contrast pair is in their session and the pair
of sources heads their confusions."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import User
from course.content_loader import load_content
from quizzes.models import Choice
from reviews.confusions import top_confusions
from reviews.models import Card, ContrastPair
from reviews.selectors import due_reviews

pytestmark = pytest.mark.django_db

CASES = ["marathon-runner-crest-block-positive", "marathon-runner-crest-block-negative"]


def test_demo_clinician_meets_the_contrast_pair_today(settings, capsys):
    settings.DEBUG = True
    assert load_content().ok
    call_command("ensure_demo_clinician")
    call_command("ensure_demo_clinician")  # a second run changes nothing
    assert "clinician@example.com" in capsys.readouterr().out
    user = User.objects.get(email="clinician@example.com")
    assert user.check_password("change-me-clinician")
    pair = ContrastPair.objects.select_related("missed").get(user=user)
    assert pair.missed.slug == CASES[0]
    assert {pair.case_a.slug, pair.case_b.slug} == set(CASES)
    card = Card.objects.get(user=user, kind=Card.Kind.CONTRAST)
    assert card.question.slug == CASES[1]  # the twin, keyed the joint, asked first
    assert card in due_reviews(user, timezone.now())
    top = top_confusions(user)
    assert set(top[0].sources) == {"superior-cluneal", "sacroiliac-joint"}
    assert top[0].last < timezone.now() - timedelta(hours=20)  # yesterday
    assert User.objects.filter(email="clinician@example.com").count() == 1


def test_demo_clinician_needs_the_options_sources(settings):
    settings.DEBUG = True
    assert load_content().ok
    Choice.objects.filter(question__slug=CASES[0]).update(source="")
    with pytest.raises(CommandError, match="name their sources"):
        call_command("ensure_demo_clinician")
    assert not User.objects.filter(email="clinician@example.com").exists()


def test_demo_clinician_is_for_the_quick_start_only(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="quick start"):
        call_command("ensure_demo_clinician")
