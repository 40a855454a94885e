"""Expired sign-in sessions are removed by a daily task; live ones stay."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import clear_expired_sessions
from config.celery import app

pytestmark = pytest.mark.django_db


def test_expired_sessions_go_and_live_ones_stay():
    now = timezone.now()
    Session.objects.create(session_key="old", session_data="", expire_date=now - timedelta(1))
    Session.objects.create(session_key="live", session_data="", expire_date=now + timedelta(1))
    clear_expired_sessions()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]


def test_it_runs_every_day():
    entry = app.conf.beat_schedule["accounts-clear-expired-sessions"]
    assert entry["task"] == clear_expired_sessions.name and entry["schedule"] == 86400.0
