"""Suspend, bury and flag a card: out of the counts and the queue, back when they should
be, one open flag a card, the learner's own cards only, and the editors' list."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from drf_spectacular.generators import SchemaGenerator

from lib.errors import AppError, ErrorKind
from reviews import actions, selectors
from reviews.models import Card, CardFlag, ContrastPair
from tests.factories import (
    EnrollmentFactory,
    LessonFactory,
    QuizFactory,
    StaffFactory,
    UserFactory,
    question_with,
)

pytestmark = pytest.mark.django_db

# 12:00 in Chicago (UTC-6 in January), where the learner lives.
NOON = datetime(2027, 1, 12, 18, 0, tzinfo=UTC)


@pytest.fixture
def lesson():
    return LessonFactory(key_points=[{"front": "Front?", "back": "Back."}])


@pytest.fixture
def learner(lesson):
    user = UserFactory(time_zone="America/Chicago")
    EnrollmentFactory(user=user, course=lesson.course)
    return user


def make_card(user, lesson, index=0, *, new=False, question=None):
    return Card.objects.create(
        user=user,
        kind=Card.Kind.QUESTION if question else Card.Kind.KEY_POINT,
        question=question,
        lesson=lesson,
        key_index=None if question else index,
        course_id=lesson.course_id,
        module_id=lesson.module_id,
        front="" if question else f"Front {index}?",
        back="Back.",
        is_new=new,
        state=1 if new else 2,
        stability=None if new else 3.0,
        difficulty=None if new else 5.0,
        reps=0 if new else 2,
        failures=0 if new else 1,
        due=NOON - timedelta(days=1),
        last_review=None if new else NOON - timedelta(days=4),
    )


def counts(user, now):
    queue = selectors.due_queue(user, now)
    return queue.reviews_due, queue.new_available, queue.card


# --- suspend ------------------------------------------------------------------------


def test_a_suspended_card_is_neither_counted_nor_served_until_brought_back(client, learner, lesson):
    due, new = make_card(learner, lesson, 0), make_card(learner, lesson, 1, new=True)
    with time_machine.travel(NOON, tick=False):
        assert counts(learner, NOON) == (1, 1, due)
        client.force_login(learner)
        page = client.post(f"/review/{due.pk}/suspend/", follow=True).content.decode()
        assert "will not be shown again" in page
        assert counts(learner, NOON) == (0, 1, new)
        due.refresh_from_db()
        assert due.suspended and not due.is_leech and due.failures == 1
        progress = client.get("/review/progress/").content.decode()
        assert "Cards you stopped" in progress and "Front 0?" in progress
        # Brought back on its own schedule: not forgiven like a leech, not moved.
        client.post(f"/review/{due.pk}/bring-back/", {"reps": "2"})
        due.refresh_from_db()
        assert not due.suspended and due.failures == 1 and due.due == NOON - timedelta(days=1)
        assert counts(learner, NOON) == (1, 1, due)


def test_suspending_a_leech_makes_it_a_card_the_learner_stopped(learner, lesson):
    card = make_card(learner, lesson)
    Card.objects.filter(pk=card.pk).update(is_leech=True, suspended=True, failures=8)
    actions.card_suspend(user=learner, card_id=card.pk, now=NOON)
    card.refresh_from_db()
    assert card.suspended and not card.is_leech


# --- bury ---------------------------------------------------------------------------


def test_a_buried_card_comes_back_when_the_learners_next_day_begins(learner, lesson):
    due, new = make_card(learner, lesson, 0), make_card(learner, lesson, 1, new=True)
    late = datetime(2027, 1, 13, 5, 30, tzinfo=UTC)  # 23:30 in Chicago
    actions.card_bury(user=learner, card_id=due.pk, now=late)
    actions.card_bury(user=learner, card_id=new.pk, now=late)
    due.refresh_from_db()
    # Midnight in Chicago, not in UTC (which passed at 18:00 Chicago time).
    assert due.buried_until == datetime(2027, 1, 13, 6, 0, tzinfo=UTC)
    assert counts(learner, late) == (0, 0, None)
    assert counts(learner, datetime(2027, 1, 13, 5, 59, 59, tzinfo=UTC)) == (0, 0, None)
    with time_machine.travel(datetime(2027, 1, 13, 6, 0, 1, tzinfo=UTC), tick=False):
        assert counts(learner, datetime(2027, 1, 13, 6, 0, 1, tzinfo=UTC)) == (1, 1, due)


def test_burying_at_the_start_of_a_day_puts_off_the_whole_day(learner, lesson):
    card = make_card(learner, lesson)
    morning = datetime(2027, 1, 13, 6, 5, tzinfo=UTC)  # 00:05 in Chicago
    actions.card_bury(user=learner, card_id=card.pk, now=morning)
    card.refresh_from_db()
    assert card.buried_until == datetime(2027, 1, 14, 6, 0, tzinfo=UTC)


def test_bury_from_the_session_page(client, learner, lesson):
    card = make_card(learner, lesson)
    with time_machine.travel(NOON, tick=False):
        client.force_login(learner)
        page = client.get("/review/").content.decode()
        assert "Not today" in page and "Stop showing me this card" in page
        assert "Report this card" in page
        done = client.post(f"/review/{card.pk}/bury/", follow=True)
        assert "comes back tomorrow" in done.content.decode()
        assert done.context["queue"].reviews_due == 0


def test_burying_the_last_card_says_when_it_comes_back(client, learner, lesson):
    card = make_card(learner, lesson)
    with time_machine.travel(NOON, tick=False):
        client.force_login(learner)
        page = client.post(f"/review/{card.pk}/bury/", follow=True)
    assert "Nothing more to review today" in page.content.decode()
    coming = page.context["coming_up"]
    # Not "due 0 minutes from now": when its burial ends, midnight in Chicago.
    assert coming.due == datetime(2027, 1, 13, 6, 0, tzinfo=UTC)
    assert coming.on_that_day == 1
    # The forecast agrees: not today, but tomorrow (its burial's end), as "Next" says.
    days = selectors.forecast(learner, NOON)
    assert (days[0].count, days[1].count) == (0, 1)


# --- flag ---------------------------------------------------------------------------


def test_one_open_flag_a_card_and_a_repeat_changes_nothing(learner, lesson):
    question = question_with(QuizFactory(module=lesson.module), lesson=lesson)
    card = make_card(learner, lesson, question=question)
    flag, made = actions.card_flag(user=learner, card_id=card.pk, note=" Wrong nerve. ", now=NOON)
    assert made and flag.note == "Wrong nerve."
    assert (flag.question, flag.lesson, flag.user) == (question, lesson, learner)
    again, made = actions.card_flag(user=learner, card_id=card.pk, note="Other", now=NOON)
    assert not made and again.pk == flag.pk and again.note == "Wrong nerve."
    assert CardFlag.objects.count() == 1
    # Once resolved, the card may be flagged anew.
    actions.flags_resolve(flag_ids=[flag.pk], editor=StaffFactory(), now=NOON)
    _, made = actions.card_flag(user=learner, card_id=card.pk, note="", now=NOON)
    assert made and CardFlag.objects.filter(resolved_at__isnull=True).count() == 1


def test_a_flag_on_a_contrast_card_names_the_case_that_was_missed(learner, lesson):
    quiz = QuizFactory(module=lesson.module)
    one, two = question_with(quiz, slug="one"), question_with(quiz, slug="two")
    pair = ContrastPair.objects.create(user=learner, case_a=one, case_b=two, missed=two)
    card = Card.objects.create(
        user=learner,
        kind=Card.Kind.CONTRAST,
        contrast=pair,
        lesson=lesson,
        course_id=lesson.course_id,
        module_id=lesson.module_id,
        due=NOON,
    )
    flag, _ = actions.card_flag(user=learner, card_id=card.pk, note="", now=NOON)
    assert flag.question == two and flag.lesson == lesson


def test_a_note_over_the_limit_is_refused(learner, lesson):
    card = make_card(learner, lesson)
    with pytest.raises(AppError) as long:
        actions.card_flag(user=learner, card_id=card.pk, note="x" * 1001, now=NOON)
    assert long.value.kind is ErrorKind.INVALID and "1000 characters" in long.value.message
    assert not CardFlag.objects.exists()


def test_the_note_is_shown_back_as_text_never_html(client, learner, lesson):
    card = make_card(learner, lesson)
    with time_machine.travel(NOON, tick=False):
        client.force_login(learner)
        note = "<script>alert(1)</script><b>bold</b>"
        page = client.post(f"/review/{card.pk}/flag/", {"note": note}, follow=True)
        body = page.content.decode()
        assert "the editors will check this card" in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in body
        assert "<b>bold</b>" not in body
        too_long = client.post(f"/review/{card.pk}/flag/", {"note": "y" * 1001}, follow=True)
        assert "1000 characters or fewer" in too_long.content.decode()
    assert CardFlag.objects.get().note == note


def test_another_learners_card_is_not_found_on_the_pages(client, learner, lesson):
    card = make_card(learner, lesson)
    client.force_login(UserFactory())
    for action in ("suspend", "bury", "flag"):
        assert client.post(f"/review/{card.pk}/{action}/").status_code == 404
    card.refresh_from_db()
    assert not card.suspended and card.buried_until is None and not CardFlag.objects.exists()


# --- the API ------------------------------------------------------------------------


def test_api_suspend_unsuspend_bury_and_flag(api_client, learner, lesson):
    card = make_card(learner, lesson)
    base = f"/api/v1/reviews/cards/{card.pk}"
    api_client.force_authenticate(learner)
    with time_machine.travel(NOON, tick=False):
        suspended = api_client.post(f"{base}/suspend/")
        assert suspended.status_code == 200 and suspended.json()["suspended"] is True
        missing = api_client.post(f"{base}/unsuspend/", {}, format="json")
        assert missing.status_code == 400 and "reps" in missing.json()
        back = api_client.post(f"{base}/unsuspend/", {"reps": 2}, format="json")
        assert back.status_code == 200 and back.json()["suspended"] is False
        buried = api_client.post(f"{base}/bury/")
        assert buried.status_code == 200
        assert buried.json()["buried_until"].startswith("2027-01-13T06:00:00")
        flagged = api_client.post(f"{base}/flag/", {"note": "Wrong side."}, format="json")
        assert flagged.status_code == 201 and flagged.json()["note"] == "Wrong side."
        repeat = api_client.post(f"{base}/flag/", {"note": "Again"}, format="json")
        assert repeat.status_code == 200 and repeat.json()["id"] == flagged.json()["id"]
        long = api_client.post(f"{base}/flag/", {"note": "z" * 1001}, format="json")
        assert long.status_code == 400 and "note" in long.json()


def test_api_answers_404_for_another_learners_card_and_401_for_none(api_client, learner, lesson):
    card = make_card(learner, lesson)
    api_client.force_authenticate(UserFactory())
    for action in ("suspend", "bury", "flag"):
        response = api_client.post(f"/api/v1/reviews/cards/{card.pk}/{action}/")
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    response = api_client.post(
        f"/api/v1/reviews/cards/{card.pk}/unsuspend/", {"reps": 2}, format="json"
    )
    assert response.status_code == 404
    api_client.force_authenticate(None)
    assert api_client.post(f"/api/v1/reviews/cards/{card.pk}/bury/").status_code in (401, 403)
    card.refresh_from_db()
    assert not card.suspended and card.buried_until is None and not CardFlag.objects.exists()


def test_the_schema_has_the_card_tools():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for path in (
        "/api/v1/reviews/undo/",
        "/api/v1/reviews/cards/{card_id}/suspend/",
        "/api/v1/reviews/cards/{card_id}/unsuspend/",
        "/api/v1/reviews/cards/{card_id}/bury/",
        "/api/v1/reviews/cards/{card_id}/flag/",
    ):
        assert "post" in paths[path], path
    flag = paths["/api/v1/reviews/cards/{card_id}/flag/"]["post"]
    assert {"200", "201", "400", "404"} <= set(flag["responses"])


# --- the editors --------------------------------------------------------------------


def test_editors_list_flags_without_the_learner_and_resolve_them(client, learner, lesson):
    question = question_with(QuizFactory(module=lesson.module), lesson=lesson)
    card = make_card(learner, lesson, question=question)
    flag, _ = actions.card_flag(user=learner, card_id=card.pk, note="Says <L5>.", now=NOON)
    editor = StaffFactory()
    client.force_login(editor)
    page = client.get("/admin/reviews/cardflag/?status=open").content.decode()
    assert "Says &lt;L5&gt;." in page and f"{question.slug}: " in page
    assert learner.email not in page and learner.name not in page
    detail = client.get(f"/admin/reviews/cardflag/{flag.pk}/change/").content.decode()
    assert learner.email not in detail
    on_question = client.get(f"/admin/quizzes/question/{question.pk}/change/").content.decode()
    assert "1 open flag" in on_question
    assert f"question__id__exact={question.pk}&amp;status=open" in on_question
    response = client.post(
        "/admin/reviews/cardflag/",
        {"action": "mark_resolved", "_selected_action": [flag.pk]},
        follow=True,
    )
    assert "Marked 1 flag(s) resolved" in response.content.decode()
    flag.refresh_from_db()
    assert flag.resolved_by == editor and flag.resolved_at is not None
    assert (
        "No open flags"
        in client.get(f"/admin/quizzes/question/{question.pk}/change/").content.decode()
    )
    assert (
        "Says &lt;L5&gt;."
        not in client.get("/admin/reviews/cardflag/?status=open").content.decode()
    )


def test_a_learner_cannot_see_the_flag_admin(client, learner):
    client.force_login(learner)
    response = client.get("/admin/reviews/cardflag/")
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- the progress page --------------------------------------------------------------


def _progress_queries(client, django_assert_max_num_queries, expected):
    with django_assert_max_num_queries(expected) as captured:
        assert client.get("/review/progress/").status_code == 200
    return len(captured)


def test_progress_page_lists_stopped_cards_and_leeches_in_fixed_queries(
    client, learner, lesson, django_assert_max_num_queries
):
    client.force_login(learner)
    first = make_card(learner, lesson, 0)
    actions.card_suspend(user=learner, card_id=first.pk, now=NOON)
    few = _progress_queries(client, django_assert_max_num_queries, 15)
    for i in range(1, 6):
        card = make_card(learner, lesson, i)
        if i % 2:
            actions.card_suspend(user=learner, card_id=card.pk, now=NOON)
        else:
            Card.objects.filter(pk=card.pk).update(suspended=True, is_leech=True, failures=8)
    many = _progress_queries(client, django_assert_max_num_queries, few)
    assert many == few
    page = client.get("/review/progress/").content.decode()
    stopped = page.split('id="suspended-heading"')[1]
    leeches = page.split('id="leech-heading"')[1].split('id="suspended-heading"')[0]
    assert stopped.count(">Bring back</button>") == 4  # the first and 1, 3, 5
    assert leeches.count(">Bring back</button>") == 2
