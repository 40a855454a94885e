"""The editors' view of the memory model: every fit in a read-only list, and per course
the cohort's parameters, the learners with a fit of their own, and the measured
retention against the desired retention."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.memory import DEFAULT_PARAMETERS
from reviews.memory_report import CourseMemoryReport, course_memory_report
from reviews.models import MemoryFit, Rating, ReviewLog, State
from tests.factories import LessonFactory, StaffFactory, UserFactory, reviewed_key_point_card

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
AGAIN, GOOD = Rating.AGAIN, Rating.GOOD


@pytest.fixture
def lesson():
    return LessonFactory()


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _reviews(user, lesson, ratings, *, ago=timedelta(days=1), state=State.REVIEW, in_quiz=False):
    """One card of `user` in `lesson`'s course, reviewed once per rating."""
    card = reviewed_key_point_card(user, lesson, due=NOW, last_review=NOW - ago)
    card.key_index = ReviewLog.objects.filter(user=user).count()  # a card per call
    card.save()
    at = NOW - ago
    ReviewLog.objects.bulk_create(
        ReviewLog(
            card=card,
            user=user,
            module_id=lesson.module_id,
            rating=rating,
            reviewed_at=at,
            state_before=state,
            state_after=State.REVIEW,
            due_before=at,
            due_after=at + timedelta(days=3),
            reps=reps,
            in_quiz=in_quiz,
        )
        for reps, rating in enumerate(ratings)
    )


def _fit(*, course=None, user=None, in_use=True, accepted=True, log_loss=0.30, **fields):
    return MemoryFit.objects.create(
        scope=MemoryFit.Scope.COHORT if course else MemoryFit.Scope.LEARNER,
        course=course,
        user=user,
        parameters=fields.pop("parameters", list(DEFAULT_PARAMETERS)),
        fitted_at=fields.pop("fitted_at", NOW - timedelta(hours=3)),
        review_count=fields.pop("review_count", 1200),
        test_items=fields.pop("test_items", 180),
        log_loss=log_loss,
        rmse=fields.pop("rmse", 0.05),
        default_log_loss=0.32,
        default_rmse=0.08,
        accepted=accepted,
        in_use=in_use,
        **fields,
    )


def _editor():
    editor = StaffFactory(is_superuser=False)
    editor.user_permissions.add(Permission.objects.get(codename="view_memoryfit"))
    return editor


def _url(course):
    return f"/admin/reviews/memoryfit/course/{course.pk}/"


def test_fit_list_shows_each_fit_with_its_gain_and_why_it_was_not_used(client, lesson, clock):
    learner = UserFactory(email="fitted@example.org")
    _fit(user=learner, log_loss=0.30)
    _fit(
        course=lesson.course,
        in_use=False,
        accepted=False,
        log_loss=0.33,
        reason="Not better than the defaults on later reviews.",
    )
    client.force_login(_editor())
    page = client.get("/admin/reviews/memoryfit/").content.decode()
    assert "fitted@example.org" in page and lesson.course.title in page
    assert "+0.0200" in page and "-0.0100" in page  # gains: defaults' 0.32 minus fitted
    assert "Not better than the defaults on later reviews." in page
    assert _url(lesson.course) in page  # the course's memory model page
    assert "/admin/reviews/memoryfit/add/" not in page  # fits are made by the job alone
    cohort_only = client.get("/admin/reviews/memoryfit/?scope__exact=cohort").content.decode()
    assert lesson.course.title in cohort_only and "fitted@example.org" not in cohort_only
    in_use = client.get("/admin/reviews/memoryfit/?in_use__exact=1").content.decode()
    assert "fitted@example.org" in in_use and "Not better than" not in in_use


def test_course_page_shows_cohort_parameters_learners_and_retention_in_fixed_queries(
    client, lesson, clock, django_assert_num_queries
):
    course = lesson.course
    fitted = [round(w * 1.1, 4) for w in DEFAULT_PARAMETERS]
    fitted[20] = 0.2875
    _fit(course=course, parameters=fitted, review_count=4321, log_loss=0.30, rmse=0.05)
    steady = UserFactory(desired_retention=Decimal("0.90"))
    relaxed = UserFactory(desired_retention=Decimal("0.80"))
    _fit(user=steady)  # a fit of their own
    # In the window: steady 8 due reviews (2 forgotten), relaxed 2 (none forgotten).
    _reviews(steady, lesson, [AGAIN, AGAIN, *[GOOD] * 6])
    _reviews(relaxed, lesson, [GOOD, GOOD])
    # Left out: quiz answers, learning steps, reviews before the window.
    _reviews(relaxed, lesson, [AGAIN, AGAIN], in_quiz=True)
    _reviews(relaxed, lesson, [AGAIN, AGAIN], state=State.LEARNING)
    _reviews(relaxed, lesson, [AGAIN, AGAIN], ago=timedelta(days=31))
    # Another course's reviews and learners count for that course alone.
    _reviews(UserFactory(), LessonFactory(), [AGAIN, AGAIN])

    client.force_login(_editor())
    with CaptureQueriesContext(connection) as few:
        response = client.get(_url(course))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Memory model: {course.title}" in page
    # The parameters, each named for what it sets.
    assert (
        '<th scope="row">w0</th><td class="text">Initial stability after Again (days)</td>' in page
    )
    assert "Initial stability after Easy (days)" in page
    assert (
        '<th scope="row">w20</th><td class="text">Decay of the forgetting curve</td>'
        "<td>0.2875</td><td>0.1542</td>" in page
    )
    assert "fitted on 4,321 reviews" in page
    assert "<td>0.3000</td><td>0.3200</td><td>0.0200 (6.3%)</td>" in page  # log loss
    assert "<td>0.0500</td><td>0.0800</td><td>0.0300</td>" in page  # RMSE
    assert "1 of the 2 learners with reviews in this course" in page
    # 8 of 10 due reviews recalled, against 0.90 × 8 + 0.80 × 2 = 88% desired.
    assert "10 by 2 learners" in page
    assert "<td>80.0% <span" in page and "<td>88.0%</td>" in page
    assert "<td>-8.0 points</td>" in page

    for _ in range(4):  # more learners, their own fits and reviews: the same queries
        more = UserFactory()
        _fit(user=more)
        _reviews(more, lesson, [GOOD, AGAIN, GOOD])
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(_url(course)).content.decode()
    assert "5 of the 6 learners with reviews in this course" in page


def test_course_without_a_cohort_fit_in_use_says_the_defaults_schedule_it(client, lesson, clock):
    _fit(course=lesson.course, in_use=False, accepted=False, reason="Too few reviews: 12 usable.")
    client.force_login(_editor())
    page = client.get(_url(lesson.course)).content.decode()
    assert "No cohort fit is in use" in page and "FSRS defaults" in page
    assert "not used:\nToo few reviews: 12 usable." in page
    assert "No learner has reviewed a card of this course yet." in page
    assert "No due reviews of learned cards in this course in the last 30 days." in page
    report = course_memory_report(lesson.course, now=NOW)
    assert report.cohort_fit is None and report.parameters == []


def test_report_keeps_the_fit_in_use_beside_a_newer_one_that_was_refused(
    lesson, django_assert_num_queries
):
    used = _fit(course=lesson.course, fitted_at=NOW - timedelta(days=2))
    refused = _fit(course=lesson.course, in_use=False, accepted=False, fitted_at=NOW)
    with django_assert_num_queries(3):  # fits, learners, retention
        report = course_memory_report(lesson.course, now=NOW)
    assert report.cohort_fit == used and report.latest_unused == refused
    assert report.log_loss_gain_percent == pytest.approx(100 * 0.02 / 0.32)


def test_only_editors_see_the_memory_model(client, lesson):
    url = _url(lesson.course)
    client.force_login(UserFactory())  # a learner: sent to the admin's sign-in
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(StaffFactory(is_superuser=False))  # staff without the permission
    assert client.get(url).status_code == 403
    client.force_login(_editor())
    assert client.get(url).status_code == 200
    assert client.get("/admin/reviews/memoryfit/course/999999/").status_code == 404


@pytest.mark.parametrize(
    ("reviews", "recalled", "verdict"),
    [
        (2, 1, "too few"),  # 50% of two reviews says nothing
        (400, 348, "below"),  # 87%: the interval (83.4–89.9%) lies under 90%
        (400, 356, "close"),  # 89%: 90% is inside the interval
        (400, 380, "above"),  # 95%
    ],
)
def test_the_retention_verdict_waits_for_enough_reviews_and_allows_for_chance(
    reviews, recalled, verdict
):
    report = CourseMemoryReport(
        course=None,  # type: ignore[arg-type]
        cohort_fit=None,
        latest_unused=None,
        learners_with_reviews=1,
        learners_with_own_fit=0,
        recent_reviews=reviews,
        recent_recalled=recalled,
        recent_learners=1,
        desired_retention=0.9,
    )
    assert report.retention_verdict == verdict
    low, high = report.measured_interval
    assert low < 100 * recalled / reviews < high


def test_a_rejected_fits_page_says_it_kept_no_parameters_and_an_accepted_one_lists_them(
    client, lesson, clock
):
    fitted = [round(0.1 * i + 0.05, 2) for i in range(len(DEFAULT_PARAMETERS))]
    kept = _fit(course=lesson.course, parameters=fitted)
    rejected = _fit(user=UserFactory(), in_use=False, accepted=False, reason="Too few reviews.")
    client.force_login(_editor())
    page = client.get(f"/admin/reviews/memoryfit/{kept.pk}/change/").content.decode()
    assert ", ".join(f"{w:g}" for w in fitted) in page
    page = client.get(f"/admin/reviews/memoryfit/{rejected.pk}/change/").content.decode()
    assert "None kept: this fit was not used" in page and "Too few reviews." in page
    assert ", ".join(f"{w:g}" for w in DEFAULT_PARAMETERS) not in page
