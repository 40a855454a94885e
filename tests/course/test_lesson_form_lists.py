"""The lesson's objectives, key points and sources are edited as lists in the admin, not
as JSON, and saved as the JSON the lesson has always held."""

import pytest
from django.utils import timezone

from course.admin_forms import LessonAdminForm
from course.models import Lesson, Publishable
from course.revisions import open_revision
from tests.factories import LessonFactory, ReferenceFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = StaffFactory()
    client.force_login(user)
    return user


def lesson_form(lesson: Lesson, **changes: object) -> dict[str, object]:
    data = {
        "module": str(lesson.module_id),
        "title": lesson.title,
        "slug": lesson.slug,
        "summary": lesson.summary,
        "minutes": str(lesson.minutes),
        "order": str(lesson.order),
        "body_md": lesson.body_md,
        "status": lesson.status,
        "publish_at_0": timezone.localtime(lesson.publish_at).strftime("%Y-%m-%d"),
        "publish_at_1": timezone.localtime(lesson.publish_at).strftime("%H:%M:%S"),
    }
    data.update(changes)
    return data


def saved_lists(lesson: Lesson) -> tuple[list, list, list]:
    """What a save wrote: a live lesson's draft revision (learners keep reading the
    published row meanwhile), or a draft lesson's own row."""
    revision = open_revision(lesson)
    if revision is not None:
        return revision.data["objectives"], revision.data["key_points"], revision.data["sources"]
    lesson.refresh_from_db()
    return lesson.objectives, lesson.key_points, lesson.sources


# A lesson learners cannot see yet is saved directly; a live one into its draft.
either_state = pytest.mark.parametrize(
    "status", [Publishable.Status.DRAFT, Publishable.Status.PUBLISHED], ids=["draft", "live"]
)


def change_url(lesson: Lesson) -> str:
    return f"/admin/course/lesson/{lesson.pk}/change/"


def test_the_form_shows_the_lists_as_lines_rows_and_ticked_boxes(client, editor):
    ReferenceFactory(key="loukas-2006", citation="Loukas M. Cluneal nerves. 2006.")
    ReferenceFactory(key="other")
    lesson = LessonFactory(
        objectives=["Name the cluneal nerves", "Find the tender point"],
        key_points=[{"front": "Where do the cluneal nerves cross?", "back": "The iliac crest"}],
        sources=["loukas-2006"],
    )
    page = client.get(change_url(lesson)).content.decode()
    assert "Name the cluneal nerves\nFind the tender point</textarea>" in page
    assert 'name="key_points-0-front"' in page and "Where do the cluneal nerves cross?" in page
    assert 'name="key_points-0-back"' in page and "The iliac crest</textarea>" in page
    assert 'name="key_points-3-front"' in page  # three empty rows to add more
    assert 'name="key_points-4-front"' not in page
    assert 'value="loukas-2006"' in page and "Loukas M. Cluneal nerves. 2006." in page
    ticked = page.split('value="loukas-2006"')[1].split(">")[0]
    assert "checked" in ticked
    assert "checked" not in page.split('value="other"')[1].split(">")[0]
    assert '"[' not in page.split('name="objectives"')[1].split("</textarea>")[0]


@either_state
def test_lists_posted_from_the_form_are_saved_as_json(client, editor, status):
    ReferenceFactory(key="a-ref")
    ReferenceFactory(key="b-ref")
    lesson = LessonFactory(sources=["b-ref"], status=status)
    response = client.post(
        change_url(lesson),
        lesson_form(
            lesson,
            objectives="  Tell the nerves apart \n\n   \nExamine the   buttock\n",
            **{
                "key_points-0-front": "Front one",
                "key_points-0-back": "Back one",
                "key_points-1-front": "",
                "key_points-1-back": "",
                "key_points-2-front": " Front two ",
                "key_points-2-back": "Back two",
            },
            sources=["a-ref", "b-ref"],
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    objectives, key_points, sources = saved_lists(lesson)
    assert objectives == ["Tell the nerves apart", "Examine the buttock"]
    assert key_points == [
        {"front": "Front one", "back": "Back one"},
        {"front": "Front two", "back": "Back two"},
    ]
    # The lesson's own order kept, the new key after it.
    assert sources == ["b-ref", "a-ref"]


@either_state
def test_emptying_the_lists_saves_empty_lists(client, editor, status):
    lesson = LessonFactory(
        objectives=["One"], key_points=[{"front": "F", "back": "B"}], status=status
    )
    data = lesson_form(lesson, objectives="")
    data.update({"key_points-0-front": "", "key_points-0-back": ""})
    response = client.post(change_url(lesson), data)
    assert response.status_code == 302
    assert saved_lists(lesson) == ([], [], [])


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"key_points-0-front": "A question", "key_points-0-back": ""},
            "key_points",
            "Key point 1 needs both a front and a back.",
        ),
        (
            {"key_points-0-front": "", "key_points-0-back": "An answer"},
            "key_points",
            "Key point 1 needs both a front and a back.",
        ),
        ({"sources": "no-such-key"}, "sources", "There is no reference with the key"),
    ],
)
def test_a_half_key_point_or_an_unknown_source_is_a_clear_error(
    client, editor, changes, field, message
):
    lesson = LessonFactory(objectives=["Kept"])
    response = client.post(change_url(lesson), lesson_form(lesson, **changes))
    assert response.status_code == 200
    assert any(message in e for e in response.context["adminform"].form.errors[field])
    assert message in response.content.decode().replace("&#x27;", "'").replace("&ldquo;", "“")
    lesson.refresh_from_db()
    assert lesson.objectives == ["Kept"] and lesson.key_points == []


def test_cleaned_data_holds_the_lists_in_the_models_shape():
    """A draft save stores form.cleaned_data as a revision's JSON: plain lists and dicts."""
    ReferenceFactory(key="a-ref")
    lesson = LessonFactory()
    data = lesson_form(
        lesson,
        objectives="One\nTwo",
        **{"key_points-0-front": "F", "key_points-0-back": "B"},
    )
    data.update(sources=["a-ref"], publish_at=lesson.publish_at.isoformat())
    form = LessonAdminForm(data=data, instance=lesson)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["objectives"] == ["One", "Two"]
    assert form.cleaned_data["key_points"] == [{"front": "F", "back": "B"}]
    assert form.cleaned_data["sources"] == ["a-ref"]
    assert all(type(form.cleaned_data[f]) is list for f in ["objectives", "key_points", "sources"])


def test_the_json_the_old_form_took_is_still_accepted(client, editor):
    ReferenceFactory(key="a-ref")
    lesson = LessonFactory()
    response = client.post(
        change_url(lesson),
        lesson_form(
            lesson,
            objectives='["One"]',
            key_points='[{"front": "F", "back": "B"}]',
            sources='["a-ref"]',
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert saved_lists(lesson) == (["One"], [{"front": "F", "back": "B"}], ["a-ref"])
