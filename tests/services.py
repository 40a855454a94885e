"""A pytest plugin, loaded before Django (`-p tests.services`), that points the suite at
the real services where they run.

PostgreSQL at DATABASE_URL, or at 127.0.0.1:5432 when that answers; otherwise SQLite.
Redis at REDIS_URL, or at 127.0.0.1:6379 when that answers. Tests marked `postgres` or
`redis` are skipped, with a message naming the service, when it is missing; in CI
(CI=true) a skipped test of any kind fails the run.
"""

import os
import socket
from urllib.parse import urlparse

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _answers(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1
        ):
            return True
    except OSError:
        return False


DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"

if not os.environ.get("DATABASE_URL") and _answers(DEFAULT_POSTGRES, 5432):
    os.environ["DATABASE_URL"] = DEFAULT_POSTGRES
POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))

REDIS_URL = os.environ.get("REDIS_URL") or DEFAULT_REDIS
REDIS = _answers(REDIS_URL, 6379)

# Settings for the test run. REDIS_URL is kept out of the settings so that the unit
# tests use the eager Celery mode; the integration tests hand it to their worker.
os.environ.pop("REDIS_URL", None)
os.environ["TEST_REDIS_URL"] = REDIS_URL if REDIS else ""
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("SRS_FUZZING", "false")
os.environ.setdefault("CELERY_BROKER_DIR", "/tmp/bnp-test-broker")


def pytest_report_header(config):
    return [
        f"database: {'PostgreSQL ' + os.environ['DATABASE_URL'] if POSTGRES else 'SQLite'}",
        f"redis: {REDIS_URL if REDIS else 'not running'}",
    ]


def _missing(name: str) -> None:
    message = f"{name} is not running here; this test needs the real {name}."
    if IN_CI:
        pytest.fail(message + " In CI every service must be there.", pytrace=False)
    pytest.skip(message)


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and not POSTGRES:
        _missing("PostgreSQL")
    if item.get_closest_marker("redis") and not REDIS:
        _missing("Redis")


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if IN_CI and skipped and exitstatus == 0:
        reporter.write_line(
            f"CI: {skipped} test(s) were skipped; in CI that is a failure.", red=True
        )
        session.exitstatus = 1
