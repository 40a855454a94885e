"""`manage.py load_content` says what it did: on a fresh database everything it loads is
"created" (nothing "updated", even what a later step of the same run writes again, such
as a quiz's twins); a second load with no change in the files changes nothing."""

import shutil

import pytest
from django.core.management import call_command

from course.content_loader import CONTENT_DIR, load_content
from quizzes.models import Question

pytestmark = pytest.mark.django_db


def test_a_fresh_load_creates_and_a_second_load_changes_nothing(tmp_path, capsys):
    root = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, root)
    call_command("load_content", path=root)
    first = capsys.readouterr().out
    assert Question.twins.through.objects.exists()  # the shipped quizzes have twins
    assert "updated " not in first  # no line says "updated <item>"
    assert first.strip().endswith(" created, 0 updated, 0 unchanged.")
    created = int(first.strip().splitlines()[-1].split()[0])
    assert created > 100

    call_command("load_content", path=root)
    second = capsys.readouterr().out
    assert second.strip() == f"0 created, 0 updated, {created} unchanged."


def test_a_change_to_twins_alone_is_reported_as_an_update(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, root)
    assert load_content(root).updated == []
    Question.twins.through.objects.all().delete()  # as if the file had lost its twins
    report = load_content(root)
    assert report.created == [] and report.updated
    assert all(u.endswith(" (twins)") for u in report.updated)
