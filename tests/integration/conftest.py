"""Real services for integration tests: an SMTP server (aiosmtpd), Redis as the broker,
and Celery workers as subprocesses against the test database (PostgreSQL)."""

import asyncio
import email
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import kombu.pools
import pytest
import redis as redis_lib
from aiosmtpd.controller import Controller
from django.db import connection

from config.celery import app as celery_app
from tests.services import REDIS_URL

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """What the SMTP server received, one parsed message per recipient.

    `hold_at(n)` makes the n-th message wait, unanswered, until `release(accept=...)`:
    a test can kill the sending worker while the server has not said "250" yet.
    """

    def __init__(self):
        self.messages: list[email.message.Message] = []
        self._lock = threading.Lock()
        self._seen = 0
        self._hold_at: int | None = None
        self.holding = threading.Event()
        self._released = threading.Event()
        self._accept_held = True
        self.delay = 0.0  # seconds the server takes over each message, as a slow one does
        self.arrived = 0  # DATA commands received, accepted or not
        self._crashes: dict[int, tuple[Callable[[], None], bool]] = {}

    def crash_at(self, n: int, kill: Callable[[], None], *, stored: bool) -> None:
        """When the n-th message arrives, call `kill` (SIGKILL the sender). With
        `stored`, the server has kept the message first and the sender dies before it
        hears "250": the one moment an at-least-once sender repeats a message. Without,
        it dies mid-DATA and the server keeps nothing."""
        self._crashes[n] = (kill, stored)

    def hold_at(self, n: int) -> None:
        self._hold_at, self._seen = n, 0

    def release(self, *, accept: bool) -> None:
        self._accept_held = accept
        self._released.set()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.delay:
            await asyncio.sleep(self.delay)
        with self._lock:
            self._seen += 1
            self.arrived += 1
            held = self._seen == self._hold_at
            crash = self._crashes.pop(self.arrived, None)
        if crash and not crash[1]:
            crash[0]()
            return "451 Not accepted (the sender went away)"
        if held:
            self.held_for = list(envelope.rcpt_tos)
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self._released.wait, 60)
            if not self._accept_held:
                return "451 Not accepted (the sender went away)"
        message = email.message_from_bytes(envelope.content)
        with self._lock:
            for _ in envelope.rcpt_tos:
                self.messages.append(message)
        if crash:
            crash[0]()
        return "250 Message accepted"

    def by_recipient(self) -> dict[str, list[str]]:
        """The Message-IDs each address received, in order."""
        with self._lock:
            received: dict[str, list[str]] = {}
            for m in self.messages:
                received.setdefault(m["To"], []).append(m["Message-ID"])
            return received

    def recipients(self) -> list[str]:
        with self._lock:
            return [m["To"] for m in self.messages]

    def wait_for(self, count: int, timeout: float = 60) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.messages) < count:
            time.sleep(0.1)
        return self.recipients()


def wait_until(condition: Callable[[], bool], *, what: str, timeout: float = 120, every=None):
    """Wait for a state another process brings about (a worker marking rows sent), with a
    deadline; never for a fixed time. `every`, if given, is called on each poll (to run a
    beat job, say)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {timeout} s: {what}")
        if every is not None:
            every()
        time.sleep(0.2)


def run_together(*calls: Callable) -> list:
    """Run each call in a thread of its own, all at once (each with its own database
    connection), and return their results; fails if any raised or never finished."""
    results, errors = [], []

    def run(call):
        try:
            results.append(call())
        except Exception as exc:  # noqa: BLE001 (reported by the assertion below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a request never finished"
    assert errors == []
    return results


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


@pytest.fixture
def redis_url():
    # A database of its own, emptied first, so that no earlier run's tasks linger.
    url = REDIS_URL.rsplit("/", 1)[0] + "/13"
    redis_lib.Redis.from_url(url).flushdb()
    return url


@contextmanager
def publishing_to(broker_url: str):
    """Point this process's Celery app at a real broker (the suite runs eagerly)."""
    saved = {k: celery_app.conf[k] for k in ("broker_url", "task_always_eager")}

    def forget_connections():
        # Celery builds its connection and producer pools lazily from broker_url, and
        # kombu keeps producer pools in a registry of its own: drop them all.
        kombu.pools.reset()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    celery_app.conf.update(broker_url=broker_url, task_always_eager=False)
    forget_connections()
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        forget_connections()


def database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    def __init__(self, env: dict, log: Path, concurrency: int = 2):
        self.env, self.log, self.concurrency = env, log, concurrency
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "Worker":
        self.log.parent.mkdir(exist_ok=True)
        out = self.log.open("a")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel=info",
                f"--concurrency={self.concurrency}",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.log.read_text():
                return self
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited: {self.log.read_text()[-2000:]}")
            time.sleep(0.2)
        raise RuntimeError(f"worker not ready after {timeout}s: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool), as a crash would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def celery_worker(redis_url, smtp_server, tmp_path):
    """A factory of real workers on Redis, sending to the test SMTP server."""
    _, smtp_port = smtp_server
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in ("CELERY_TASK_ALWAYS_EAGER", "DJANGO_ALLOW_ASYNC_UNSAFE")
        },
        "DEBUG": "true",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_TIMEOUT": "120",
        "EMAIL_LEASE_SECONDS": "4",
        "REMINDER_BATCH_SIZE": "20",
        "NEWSLETTER_BATCH_SIZE": "20",
        "PYTHONUNBUFFERED": "1",
    }
    workers: list[Worker] = []

    def start(concurrency: int = 2) -> Worker:
        worker = Worker(env, tmp_path / f"worker-{len(workers)}.log", concurrency).start()
        workers.append(worker)
        return worker

    with publishing_to(redis_url):
        yield start
    for worker in workers:
        worker.stop()
