"""The editors' dashboard on the admin's index page: how learners do, in six sections,
each read by its own app's selector, drawn as a chart (with its numbers as a table) and
downloadable as CSV. Every section runs a fixed number of queries, whatever the number of
learners."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from course.models import Course
from course.selectors import (
    CompletionFunnel,
    CourseEnrolments,
    completion_funnel,
    enrolments_per_week,
)
from lib.charts import ColumnChart, Day, Row, RowChart, column_chart, row_chart
from lib.csvexport import csv_response
from lib.weeks import iso_label
from newsletter.selectors import SubscriberWeek, subscriber_growth
from quizzes.selectors import ModuleQuizOutcome, module_quiz_outcomes
from reminders.selectors import ReminderWeek, reminder_outcomes
from reviews.selectors import ReviewActivity, review_activity

WEEKS = 12


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}%"


def _week_day(monday: date, value: int, *, current: date) -> Day:
    """A week as a column: the current (unfinished) week is highlighted."""
    label = f"{iso_label(monday)} (from {monday:%a %-d %b %Y})"
    return Day(label, f"{monday:%-d %b}", value, marked=monday == current)


def _week_chart(weeks: Sequence[tuple[date, int]], *, caption: str, unit: str) -> ColumnChart:
    current = weeks[-1][0] if weeks else date.min
    return column_chart(
        [_week_day(monday, n, current=current) for monday, n in weeks],
        caption=caption,
        unit=unit,
        key_heading="Week",
    )


# --- The sections -------------------------------------------------------------------


@dataclass
class EnrolmentSection:
    courses: list[CourseEnrolments]
    charts: list[ColumnChart]

    @property
    def total(self) -> int:
        return sum(c.total for c in self.courses)


def enrolment_section(*, now: datetime) -> EnrolmentSection:
    courses = enrolments_per_week(weeks=WEEKS, now=now)
    charts = [
        _week_chart(
            [(w.week, w.count) for w in c.weeks],
            caption=f"{c.course.title}: new enrolments per week, last {WEEKS} weeks (UTC)",
            unit="Enrolments",
        )
        for c in courses
        if c.total
    ]
    return EnrolmentSection(courses=courses, charts=charts)


@dataclass
class FunnelSection:
    courses: list[Course]
    funnel: CompletionFunnel | None
    chart: RowChart | None


def _chosen_course(courses: list[Course], chosen: str | None) -> Course | None:
    """The course asked for by its id in the query string; the first course when none is,
    or the id is not one (a bad parameter shows the default rather than an error)."""
    by_id = {str(course.pk): course for course in courses}
    return by_id.get(chosen or "") or (courses[0] if courses else None)


def funnel_section(*, now: datetime, chosen: str | None) -> FunnelSection:
    courses = list(Course.objects.all())
    course = _chosen_course(courses, chosen)
    if course is None:
        return FunnelSection(courses=[], funnel=None, chart=None)
    funnel = completion_funnel(course, now=now)
    chart = None
    if funnel.enrolled and funnel.steps:
        rows = [Row("Enrolled", funnel.enrolled, f"{funnel.enrolled} (100%)")] + [
            Row(
                f"{i}. {step.lesson.title}",
                step.completed,
                f"{step.completed} ({_percent(funnel.percent(step))})",
                flag="biggest drop" if step.biggest_drop else "",
            )
            for i, step in enumerate(funnel.steps, start=1)
        ]
        chart = row_chart(
            rows,
            caption=f"{course.title}: enrolled learners who completed each lesson, "
            "in reading order",
            unit="Learners (share of enrolled)",
            key_heading="Lesson",
            flag_heading="Where learners stop",
            maximum=funnel.enrolled,
        )
    return FunnelSection(courses=courses, funnel=funnel, chart=chart)


@dataclass
class QuizSection:
    quizzes: list[ModuleQuizOutcome]
    chart: RowChart | None


def quiz_section() -> QuizSection:
    quizzes = module_quiz_outcomes()
    sat = [q for q in quizzes if q.sat]
    chart = None
    if sat:
        chart = row_chart(
            [
                Row(
                    f"{q.quiz.course.title}: {q.quiz.title}",
                    q.pass_percent,
                    f"{_percent(q.pass_percent)} of {q.sat}",
                )
                for q in sat
            ],
            caption="Share of the learners who sat each module quiz who have passed it",
            unit="Passed (of learners who sat it)",
            key_heading="Module quiz",
            maximum=100,
        )
    return QuizSection(quizzes=quizzes, chart=chart)


@dataclass
class ReviewSection:
    activity: ReviewActivity
    chart: ColumnChart


def review_section(*, now: datetime) -> ReviewSection:
    activity = review_activity(now=now)
    today = activity.per_day[-1].day
    chart = column_chart(
        [
            Day(
                "Today" if d.day == today else f"{d.day:%a %-d %b}",
                f"{d.day:%-d}",
                d.count,
                marked=d.day == today,
            )
            for d in activity.per_day
        ],
        caption=f"Reviews on each of the last {len(activity.per_day)} days (UTC days)",
        unit="Reviews",
    )
    return ReviewSection(activity=activity, chart=chart)


@dataclass
class ReminderSection:
    weeks: list[ReminderWeek]
    chart: ColumnChart

    @property
    def sent(self) -> int:
        return sum(w.sent for w in self.weeks)

    @property
    def returned_percent(self) -> float | None:
        sent = self.sent
        return 100 * sum(w.returned for w in self.weeks) / sent if sent else None

    @property
    def turned_off(self) -> int:
        return sum(w.turned_off for w in self.weeks)

    @property
    def failed(self) -> int:
        return sum(w.failed for w in self.weeks)


def reminder_section(*, now: datetime) -> ReminderSection:
    weeks = reminder_outcomes(now=now, weeks=WEEKS)
    chart = _week_chart(
        [(w.week, w.sent) for w in weeks],
        caption=f"Review reminders sent per week, last {WEEKS} weeks (UTC)",
        unit="Reminders sent",
    )
    return ReminderSection(weeks=weeks, chart=chart)


@dataclass
class NewsletterSection:
    weeks: list[SubscriberWeek]
    chart: ColumnChart

    @property
    def signed_up(self) -> int:
        return sum(w.signed_up for w in self.weeks)

    @property
    def confirmation_percent(self) -> float | None:
        signed_up = self.signed_up
        confirmed = sum(w.signed_up_confirmed for w in self.weeks)
        return 100 * confirmed / signed_up if signed_up else None


def newsletter_section(*, now: datetime) -> NewsletterSection:
    weeks = subscriber_growth(now=now, weeks=WEEKS)
    chart = _week_chart(
        [(w.week, w.signed_up) for w in weeks],
        caption=f"Newsletter sign-ups per week, last {WEEKS} weeks (UTC)",
        unit="Sign-ups",
    )
    return NewsletterSection(weeks=weeks, chart=chart)


def dashboard_context(*, now: datetime, chosen_course: str | None) -> dict[str, object]:
    return {
        "enrolments": enrolment_section(now=now),
        "funnel": funnel_section(now=now, chosen=chosen_course),
        "quizzes": quiz_section(),
        "reviews": review_section(now=now),
        "reminders": reminder_section(now=now),
        "newsletter": newsletter_section(now=now),
        "weeks": WEEKS,
    }


# --- CSV ----------------------------------------------------------------------------

Table = tuple[list[str], list[list[object]]]


def _round(value: float | None, places: int = 1) -> object:
    return "" if value is None else round(value, places)


def enrolments_csv(request: HttpRequest, now: datetime) -> Table:
    rows: list[list[object]] = [
        [c.course.title, iso_label(w.week), w.week.isoformat(), w.count]
        for c in enrolments_per_week(weeks=WEEKS, now=now)
        for w in c.weeks
    ]
    return ["Course", "ISO week", "Week starts (UTC)", "New enrolments"], rows


def funnel_csv(request: HttpRequest, now: datetime) -> Table:
    section = funnel_section(now=now, chosen=request.GET.get("course"))
    rows: list[list[object]] = []
    if funnel := section.funnel:
        rows = [
            [
                funnel.course.title,
                i,
                step.lesson.title,
                funnel.enrolled,
                step.completed,
                _round(funnel.percent(step)),
                step.drop,
                "yes" if step.biggest_drop else "",
            ]
            for i, step in enumerate(funnel.steps, start=1)
        ]
    header = [
        "Course",
        "Position",
        "Lesson",
        "Enrolled",
        "Completed",
        "Completed (% of enrolled)",
        "Fewer than the step before",
        "Biggest drop",
    ]
    return header, rows


def quizzes_csv(request: HttpRequest, now: datetime) -> Table:
    rows: list[list[object]] = [
        [
            q.quiz.course.title,
            q.quiz.module.title,
            q.quiz.title,
            q.sat,
            q.passed,
            _round(q.pass_percent),
            _round(q.mean_attempts_to_pass, 2),
        ]
        for q in module_quiz_outcomes()
    ]
    header = [
        "Course",
        "Module",
        "Quiz",
        "Learners who sat it",
        "Learners who passed",
        "Passed (%)",
        "Mean attempts to first pass",
    ]
    return header, rows


def reviews_csv(request: HttpRequest, now: datetime) -> Table:
    activity = review_activity(now=now)
    rows: list[list[object]] = [[d.day.isoformat(), d.count] for d in activity.per_day]
    return ["Day (UTC)", "Reviews"], rows


def reminders_csv(request: HttpRequest, now: datetime) -> Table:
    rows: list[list[object]] = [
        [
            iso_label(w.week),
            w.week.isoformat(),
            w.sent,
            w.returned,
            _round(w.returned_percent),
            w.turned_off,
            w.failed,
        ]
        for w in reminder_outcomes(now=now, weeks=WEEKS)
    ]
    header = [
        "ISO week",
        "Week starts (UTC)",
        "Sent",
        "Reviewed within 24 hours",
        "Reviewed within 24 hours (%)",
        "Sent to learners with reminders now off",
        "Not sent (failed)",
    ]
    return header, rows


def newsletter_csv(request: HttpRequest, now: datetime) -> Table:
    rows: list[list[object]] = [
        [
            iso_label(w.week),
            w.week.isoformat(),
            w.signed_up,
            w.confirmed,
            w.unsubscribed,
            w.signed_up_bounced,
            _round(w.confirmation_percent),
        ]
        for w in subscriber_growth(now=now, weeks=WEEKS)
    ]
    header = [
        "ISO week",
        "Week starts (UTC)",
        "Sign-ups",
        "Confirmations",
        "Unsubscriptions",
        "Sign-ups since bounced",
        "Sign-ups confirmed (%)",
    ]
    return header, rows


CSV_SECTIONS: dict[str, Callable[[HttpRequest, datetime], Table]] = {
    "enrolments": enrolments_csv,
    "funnel": funnel_csv,
    "quizzes": quizzes_csv,
    "reviews": reviews_csv,
    "reminders": reminders_csv,
    "newsletter": newsletter_csv,
}


# --- Views (staff only: admin_view sends anyone else to the admin's sign-in) ----------


def _index(request: HttpRequest) -> TemplateResponse:
    context = dashboard_context(now=timezone.now(), chosen_course=request.GET.get("course"))
    context["csv_urls"] = {name: reverse("dashboard-csv", args=[name]) for name in CSV_SECTIONS}
    return admin.site.index(request, extra_context=context)


def _section_csv(request: HttpRequest, section: str) -> HttpResponse:
    build = CSV_SECTIONS.get(section)
    if build is None:
        raise Http404("No such section of the dashboard.")
    now = timezone.now()
    header, rows = build(request, now)
    return csv_response(f"{section}-{now:%Y-%m-%d}.csv", header, rows)


index = admin.site.admin_view(_index)
section_csv = admin.site.admin_view(_section_csv)
