"""A course's learning outcomes (read from its description) and its lead (front matter)."""

import shutil
from pathlib import Path

import pytest

from course.content_loader import CONTENT_DIR, load_content
from course.markdown import learning_outcomes
from course.models import Course
from tests.factories import CourseFactory, StaffFactory

pytestmark = pytest.mark.django_db

DESCRIPTION = """Who the course is for.

## Learning outcomes

By the end of the course you will be able to:

1. Describe the **cluneal** nerves, and say where
   the [sources](https://example.org) disagree.

2. Screen for *red flags*.
3. Appraise a `claim`.

The course counts four hours.

## How it works

1. Not an outcome.
"""


def test_outcomes_are_the_numbered_list_under_the_heading_as_plain_text():
    assert learning_outcomes(DESCRIPTION) == [
        "Describe the cluneal nerves, and say where the sources disagree.",
        "Screen for red flags.",
        "Appraise a claim.",
    ]


def test_no_heading_or_no_list_means_no_outcomes():
    assert learning_outcomes("1. A list, but not of outcomes.") == []
    assert learning_outcomes("## Learning outcomes\n\nWe will not list them.\n") == []


def test_saving_a_course_keeps_its_outcomes_in_step_with_the_description():
    course = CourseFactory(description_md=DESCRIPTION)
    assert len(course.outcomes) == 3
    course.description_md = "## Learning outcomes\n\n1. Only this one.\n"
    course.save(update_fields=["description_md"])
    course.refresh_from_db()
    assert course.outcomes == ["Only this one."]


COURSE = """---
slug: cpd
title: CPD
audience: clinician
summary: A course.
cpd_hours: 2
{lead}---
{body}
"""


def _load(tmp_path: Path, *, lead: str = "", body: str = DESCRIPTION):
    root = tmp_path / "content"
    (root / "cpd").mkdir(parents=True)
    (root / "references.yaml").write_text("{}\n", encoding="utf-8")
    (root / "cpd" / "course.md").write_text(COURSE.format(lead=lead, body=body), encoding="utf-8")
    return load_content(root)


def test_the_lead_is_loaded_from_the_front_matter(tmp_path):
    report = _load(tmp_path, lead="lead:\n  name: Clinical editorial team\n  role: Course lead\n")
    assert report.ok, [str(e) for e in report.errors]
    course = Course.objects.get(slug="cpd")
    assert (course.lead_name, course.lead_role) == ("Clinical editorial team", "Course lead")
    assert course.outcomes[1] == "Screen for red flags."


def test_the_lead_is_optional(tmp_path):
    assert _load(tmp_path).ok
    assert Course.objects.get(slug="cpd").lead_name == ""


@pytest.mark.parametrize(
    ("lead", "problem"),
    [
        ("lead: Dr Nobody\n", "'lead': must be a set of 'key: value' lines"),
        ("lead:\n  name: Someone\n", "'lead': 'role' is missing"),
        ("lead:\n  name: A\n  role: B\n  email: c@example.org\n", "unknown key(s) email"),
    ],
)
def test_a_malformed_lead_is_reported(tmp_path, lead, problem):
    report = _load(tmp_path, lead=lead)
    assert problem in str(report.errors[0])
    assert not Course.objects.exists()


def test_a_course_with_cpd_hours_must_list_its_outcomes(tmp_path):
    report = _load(tmp_path, body="A course with no outcomes.")
    assert "needs a '## Learning outcomes' heading" in str(report.errors[0])


def test_the_clinician_course_names_its_lead_and_six_outcomes(tmp_path):
    shutil.copytree(CONTENT_DIR, tmp_path / "content")
    assert load_content(tmp_path / "content").ok
    course = Course.objects.get(slug="telling-buttock-nerve-pain-apart")
    # No named person leads the course: the team signs, and nothing invents a name.
    assert (course.lead_name, course.lead_role) == ("Clinical editorial team", "Course lead")
    assert len(course.outcomes) == 6
    assert course.outcomes[2] == (
        "Screen every patient with buttock pain for red flags, and refer with the right urgency."
    )


def test_editors_see_the_lead_and_the_outcomes_a_certificate_will_list(client):
    client.force_login(StaffFactory())
    course = CourseFactory(description_md=DESCRIPTION)
    page = client.get(f"/admin/course/course/{course.pk}/change/").content.decode()
    assert 'name="lead_name"' in page and 'name="lead_role"' in page
    assert "<ol><li>Describe the cluneal nerves" in page and "<li>Appraise a claim.</li>" in page
    bare = CourseFactory()
    page = client.get(f"/admin/course/course/{bare.pk}/change/").content.decode()
    assert "None: add a &#x27;## Learning outcomes&#x27; heading" in page
