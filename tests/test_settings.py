"""Production settings refuse to start half-configured, and pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7#kP2vq9!Lr4zT8wN1yB6mC3hJ5dF0gS&aQeR@uVoXiZlKjHbGnMpWtYcE",
    "ALLOWED_HOSTS": "learn.example.org",
    "SITE_URL": "https://learn.example.org",
}


def _manage(*args, **env):
    # The production environment, not the test run's (the browser tests allow async-unsafe
    # calls in this process, which a deployment must never do).
    test_only = (
        "DEBUG",
        "SITE_URL",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "CELERY_TASK_ALWAYS_EAGER",
    )
    clean = {k: v for k, v in os.environ.items() if k not in test_only}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**clean, "DATABASE_URL": "sqlite:////tmp/bnp-deploy-check.sqlite3", **env},
        timeout=120,
    )


def test_check_deploy_reports_no_issues():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_missing_secret_key_stops_start_up_with_a_clear_message():
    result = _manage("check", **{**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_missing_allowed_hosts_stops_start_up_with_a_clear_message():
    result = _manage("check", **{**PRODUCTION, "ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_missing_site_url_stops_start_up_with_a_clear_message():
    # Every email link and certificate QR code would otherwise point at 127.0.0.1.
    result = _manage("check", **{**PRODUCTION, "SITE_URL": ""})
    assert result.returncode != 0
    assert "SITE_URL is not set" in result.stderr


def test_a_malformed_boolean_is_an_error_not_a_guess():
    result = _manage("check", **{**PRODUCTION, "DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_sqlite_writers_wait_for_each_other_instead_of_failing(tmp_path):
    """The quick start's server, worker and beat share one SQLite file: a transaction
    that reads and then writes must wait for another writer, not fail with "database is
    locked"."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.sqlite_writers"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        },
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "ok"


def test_production_keeps_the_api_docs_for_staff():
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.API_DOCS_PUBLIC)",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_reading_the_settings_makes_no_folders(tmp_path):
    broker = tmp_path / "broker"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "CELERY_BROKER_DIR": str(broker),
        },
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert not broker.exists()
    made = _manage("ensure_broker_folders", DEBUG="true", CELERY_BROKER_DIR=str(broker))
    assert made.returncode == 0, made.stderr
    assert sorted(p.name for p in broker.iterdir()) == ["control", "processed", "queue"]


def _contact_email(**env):
    result = _manage(
        "shell", "-c", "from django.conf import settings; print(settings.CONTACT_EMAIL)", **env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_contact_email_comes_from_its_variable_or_the_senders_address():
    sender = {"DEFAULT_FROM_EMAIL": "Buttock nerve pain <learn@learn.example.org>"}
    assert _contact_email(**PRODUCTION, **sender) == "learn@learn.example.org"
    chosen = {**sender, "CONTACT_EMAIL": "help@learn.example.org"}
    assert _contact_email(**PRODUCTION, **chosen) == "help@learn.example.org"
    # The quick start sends from a local address nobody reads.
    assert _contact_email(DEBUG="true") == "contact@example.org"
