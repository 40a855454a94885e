"""Finishing a lesson: the page says what the learner covered, that its key points now
come back in review, and offers the next lesson as the main action."""

import pytest

from reviews.models import Card
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    ModuleFactory,
    UserFactory,
    read_lesson,
)

pytestmark = pytest.mark.django_db

POINTS = [
    {"front": "Which nerves cross the iliac crest?", "back": "The superior cluneal nerves."},
    {"front": "Where does the sciatic nerve leave the pelvis?", "back": "Below piriformis."},
]


@pytest.fixture
def lessons():
    course = CourseFactory(slug="c")
    module = ModuleFactory(course=course, order=1)
    first = LessonFactory(
        module=module,
        slug="l1",
        order=1,
        title="Two places a nerve can cause trouble",
        objectives=["Name the nerves of the buttock.", "Tell a nerve's pain from a joint's."],
        key_points=POINTS,
    )
    second = LessonFactory(module=module, slug="l2", order=2, title="The cluneal nerves")
    return first, second


@pytest.fixture
def learner(client, lessons):
    user = UserFactory()
    EnrollmentFactory(user=user, course=lessons[0].course)
    client.force_login(user)
    return user


def test_marking_done_says_the_key_points_come_back(client, lessons, learner):
    read_lesson(learner, lessons[0])
    response = client.post("/courses/c/l1/done/", follow=True)
    assert response.redirect_chain[-1][0] == "/courses/c/l2/"  # reading goes on
    assert (
        "“Two places a nerve can cause trouble” is done. Its 2 key points now come back in "
        "your reviews." in response.content.decode()
    )
    assert Card.objects.filter(user=learner, kind="key_point").count() == 2


def test_a_done_lesson_shows_what_was_covered_and_the_next_lesson_first(client, lessons, learner):
    read_lesson(learner, lessons[0])
    client.post("/courses/c/l1/done/")
    page = client.get("/courses/c/l1/").content.decode()
    done = page[
        page.index('id="lesson-done"') : page.index("</section>", page.index('id="lesson-done"'))
    ]
    assert "Lesson done" in done and "You finished “Two places a nerve can cause trouble”" in done
    assert "<li>Name the nerves of the buttock.</li>" in done
    assert "<li>Tell a nerve&#x27;s pain from a joint&#x27;s.</li>" in done
    assert "Its 2 key points now come back in your" in done and 'href="/review/"' in done
    # The next lesson is the one button; undoing is a quiet link.
    assert '<a class="button" href="/courses/c/l2/">Next lesson: The cluneal nerves</a>' in done
    assert done.count('class="button"') == 1
    assert '<button type="submit" class="link-button">Mark as not done</button>' in done
    assert "Mark as done and go to the next lesson" not in page


def test_the_last_lesson_done_leads_back_to_the_course(client, lessons, learner):
    read_lesson(learner, lessons[1])
    client.post("/courses/c/l2/done/")
    page = client.get("/courses/c/l2/").content.decode()
    assert '<a class="button" href="/courses/c/">Back to the course</a>' in page
    assert "key point" not in page[page.index('id="lesson-done"') :].split("</section>")[0]


def test_a_lesson_not_done_offers_to_mark_it(client, lessons, learner):
    page = client.get("/courses/c/l1/").content.decode()
    assert 'id="lesson-done"' not in page
    assert "Mark as done and go to the next lesson" in page
