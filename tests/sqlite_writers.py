"""Run by tests/test_settings.py in a process of its own, on a SQLite file: two
connections that each read and then write inside a transaction, overlapping, as the
quick start's web server, worker and beat do. Prints "ok" when both commit."""

import os
import sys
import threading
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402

errors: list[BaseException] = []
first_has_read = threading.Event()


def writer(name: str, wait_for: threading.Event | None, signal: threading.Event | None):
    try:
        if wait_for is not None:
            wait_for.wait(5)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM counter")
            if signal is not None:
                signal.set()
                # Let the other connection start its own transaction meanwhile.
                time.sleep(0.3)
            cursor.execute("INSERT INTO counter (name) VALUES (%s)", [name])
    except BaseException as exc:  # noqa: BLE001 - reported to the parent below
        errors.append(exc)
    finally:
        connection.close()


with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS counter (name TEXT)")
connection.close()

threads = [
    threading.Thread(target=writer, args=("first", None, first_has_read)),
    threading.Thread(target=writer, args=("second", first_has_read, None)),
]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
if errors:
    print(f"failed: {errors[0]!r}")
    sys.exit(1)
print("ok")
