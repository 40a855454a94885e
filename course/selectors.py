"""Reads that are more than a filter. Each runs a fixed number of queries, whatever the
size of the course."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import urlsplit

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from accounts.models import User
from accounts.types import AnyUser
from lib.weeks import as_week, week_of, week_starts, window_start

from .access import (
    LessonAccess,
    courses_visible_to,
    is_editor,
    lesson_access,
    lessons_visible_to,
)
from .models import Course, Enrollment, Lesson, LessonProgress, Module, Reference, live_q


@dataclass
class LessonRow:
    lesson: Lesson
    access: LessonAccess
    done: bool


@dataclass
class ModuleRow:
    module: Module
    lessons: list[LessonRow] = field(default_factory=list)


def authors_of(lessons: list[Lesson]) -> list[str]:
    """Who wrote these lessons: each name once, in reading order (a lesson's `authors`
    may list several, comma-separated)."""
    names: dict[str, None] = {}
    for lesson in lessons:
        for name in lesson.authors.split(","):
            if name.strip():
                names.setdefault(name.strip(), None)
    return list(names)


def last_reviewed(lessons: list[Lesson]) -> date | None:
    """When the most recently checked of these lessons was last reviewed."""
    return max((x.reviewed_on for x in lessons if x.reviewed_on), default=None)


@dataclass
class CourseOutline:
    course: Course
    enrolled: bool
    modules: list[ModuleRow]
    lessons: list[LessonRow]  # in reading order

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def done(self) -> int:
        return sum(row.done for row in self.lessons)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def minutes(self) -> int:
        return sum(row.lesson.minutes for row in self.lessons)

    @property
    def authors(self) -> list[str]:
        return authors_of([row.lesson for row in self.lessons])

    @property
    def reviewed_on(self) -> date | None:
        return last_reviewed([row.lesson for row in self.lessons])

    @property
    def free_lesson(self) -> Lesson | None:
        return next((row.lesson for row in self.lessons if row.lesson.is_free), None)

    def next_lesson(self) -> Lesson | None:
        """The first lesson not yet done, in reading order."""
        return next((row.lesson for row in self.lessons if not row.done), None)

    def neighbours(self, lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
        order = [row.lesson.pk for row in self.lessons]
        if lesson.pk not in order:
            return None, None
        i = order.index(lesson.pk)
        before = self.lessons[i - 1].lesson if i > 0 else None
        after = self.lessons[i + 1].lesson if i + 1 < len(order) else None
        return before, after


def _lesson_rows(
    user: AnyUser,
    lessons: Iterable[Lesson],
    enrolled: bool,
    done_ids: set[int],
    now: datetime | None,
) -> list[LessonRow]:
    return [
        LessonRow(
            lesson=lesson,
            access=lesson_access(user, lesson, enrolled=enrolled, now=now),
            done=lesson.pk in done_ids,
        )
        for lesson in lessons
    ]


def course_outline(user: AnyUser, course: Course, now: datetime | None = None) -> CourseOutline:
    """The modules and lessons of a course as this user sees them, with their progress.

    Three queries: modules, lessons (with module and course joined), and the learner's
    enrolment and progress together.
    """
    modules = list(_visible_modules(user, now).filter(course=course).order_by("order", "pk"))
    lessons = list(
        lessons_visible_to(user, now)
        .filter(course=course, module__in=[m.pk for m in modules])
        .select_related("module", "course")
        .order_by("module__order", "module__pk", "order", "pk")
    )
    enrolled, done_ids = False, set[int]()
    if user.is_authenticated:
        enrolled = Enrollment.objects.filter(user=user, course=course).exists()
        done_ids = set(
            LessonProgress.objects.filter(
                user=user, course=course, completed_at__isnull=False
            ).values_list("lesson_id", flat=True)
        )
    rows = _lesson_rows(user, lessons, enrolled, done_ids, now)
    by_module = {m.pk: ModuleRow(module=m) for m in modules}
    for row in rows:
        by_module[row.lesson.module_id].lessons.append(row)
    return CourseOutline(
        course=course, enrolled=enrolled, modules=list(by_module.values()), lessons=rows
    )


def _reading_order(lessons: QuerySet[Lesson]) -> QuerySet[Lesson]:
    return lessons.select_related("module").order_by("module__order", "module__pk", "order", "pk")


def _after(module: Module, lesson: Lesson | None = None) -> Q:
    """Lessons after `module` in reading order (after `lesson` too, when given, within
    its module)."""
    later = Q(module__order__gt=module.order) | Q(
        module__order=module.order, module__pk__gt=module.pk
    )
    if lesson is not None:
        later |= Q(module_id=module.pk, order__gt=lesson.order) | Q(
            module_id=module.pk, order=lesson.order, pk__gt=lesson.pk
        )
    return later


def first_lesson_after_module(
    user: AnyUser, module: Module, now: datetime | None = None
) -> Lesson | None:
    """Where the course goes on after a module: the first lesson of the next module this
    user may see (one query)."""
    return _reading_order(
        lessons_visible_to(user, now).filter(_after(module), course_id=module.course_id)
    ).first()


def lesson_after(user: AnyUser, lesson: Lesson, now: datetime | None = None) -> Lesson | None:
    """The next lesson in reading order that this user may see, in any module (one
    query)."""
    return _reading_order(
        lessons_visible_to(user, now).filter(
            _after(lesson.module, lesson), course_id=lesson.course_id
        )
    ).first()


def _visible_modules(user: AnyUser, now: datetime | None) -> QuerySet[Module]:
    if is_editor(user):
        return Module.objects.all()
    return Module.objects.live(now)


@dataclass
class DashboardEntry:
    outline: CourseOutline
    resume: Lesson | None  # where the learner left off


def learner_dashboard(user: AnyUser, now: datetime | None = None) -> list[DashboardEntry]:
    """The learner's enrolled courses with progress and a "continue" lesson each.

    Four queries whatever the number of courses and lessons.
    """
    if not user.is_authenticated:
        return []
    enrolled_courses = list(
        courses_visible_to(user, now).filter(enrollments__user=user).order_by("order", "title")
    )
    if not enrolled_courses:
        return []
    lessons = list(
        lessons_visible_to(user, now)
        .filter(course__in=enrolled_courses)
        .filter(module__in=_visible_modules(user, now))
        .select_related("module", "course")
        .order_by("course__order", "module__order", "module__pk", "order", "pk")
    )
    progress = list(
        LessonProgress.objects.filter(user=user, course__in=enrolled_courses).only(
            "lesson_id", "course_id", "completed_at", "last_viewed_at"
        )
    )
    done_ids = {p.lesson_id for p in progress if p.completed_at}
    last_viewed: dict[int, LessonProgress] = {}
    for p in progress:
        current = last_viewed.get(p.course_id)
        if current is None or p.last_viewed_at > current.last_viewed_at:
            last_viewed[p.course_id] = p

    entries = []
    for course in enrolled_courses:
        course_lessons = [lesson for lesson in lessons if lesson.course_id == course.pk]
        rows = _lesson_rows(user, course_lessons, True, done_ids, now)
        outline = CourseOutline(course=course, enrolled=True, modules=[], lessons=rows)
        entries.append(
            DashboardEntry(outline=outline, resume=_resume(outline, last_viewed.get(course.pk)))
        )
    return entries


def _resume(outline: CourseOutline, last: LessonProgress | None) -> Lesson | None:
    """The lesson last opened if it is not done yet, else the next one not done."""
    if last is not None:
        ids = [row.lesson.pk for row in outline.lessons]
        if last.lesson_id in ids:
            i = ids.index(last.lesson_id)
            for row in outline.lessons[i:] + outline.lessons[:i]:
                if not row.done:
                    return row.lesson
            return None
    return outline.next_lesson()


def lesson_for_page(user: AnyUser, course_slug: str, lesson_slug: str) -> Lesson | None:
    """The lesson at this address if the user may know it exists (one query)."""
    return (
        lessons_visible_to(user)
        .select_related("module", "course")
        .filter(course__slug=course_slug, slug=lesson_slug)
        .first()
    )


@dataclass
class CatalogueEntry:
    """A course on the home page, with what this user can see of it."""

    course: Course
    lessons: list[Lesson]  # visible to the user, in reading order
    free_lesson: Lesson | None  # the first free one
    total_minutes: int

    @property
    def authors(self) -> list[str]:
        return authors_of(self.lessons)

    @property
    def reviewed_on(self) -> date | None:
        return last_reviewed(self.lessons)


def catalogue(user: AnyUser, now: datetime | None = None) -> list[CatalogueEntry]:
    """Courses on the home page, each with its visible lessons and its first free lesson
    (two queries)."""
    courses = list(courses_visible_to(user, now).order_by("order", "title"))
    lessons = (
        lessons_visible_to(user, now)
        .filter(course__in=courses, module__in=_visible_modules(user, now))
        .order_by("module__order", "module__pk", "order", "pk")
        .only("pk", "slug", "title", "course_id", "is_free", "minutes", "authors", "reviewed_on")
    )
    per_course: dict[int, list[Lesson]] = {}
    for lesson in lessons:
        per_course.setdefault(lesson.course_id, []).append(lesson)
    entries = []
    for course in courses:
        visible = per_course.get(course.pk, [])
        entries.append(
            CatalogueEntry(
                course=course,
                lessons=visible,
                free_lesson=next((x for x in visible if x.is_free), None),
                total_minutes=sum(x.minutes for x in visible),
            )
        )
    return entries


def lesson_references(lesson: Lesson) -> list[Reference]:
    """The works a lesson rests on, in the order the lesson lists them (one query)."""
    found = {r.key: r for r in Reference.objects.filter(key__in=lesson.sources)}
    return [found[key] for key in lesson.sources if key in found]


REFERENCE_HEADINGS = {
    "primary": "Primary studies",
    "review": "Reviews",
    "textbook": "Textbooks",
    "guideline": "Guidelines and diagnostic criteria",
    "secondary": "Source documents (secondary: articles and guides, not studies)",
}


@dataclass
class CitedReference:
    reference: Reference
    cited_by: list[Lesson]  # the lessons citing it, in reading order


@dataclass
class ReferenceGroup:
    kind: str
    label: str
    references: list[CitedReference]


def course_references(user: AnyUser, course: Course) -> list[ReferenceGroup]:
    """Every work cited by the lessons this user can see of the course, grouped by kind
    (primary studies first), each with the lessons citing it (two queries)."""
    lessons = list(
        lessons_visible_to(user)
        .filter(course=course, module__in=_visible_modules(user, None))
        .order_by("module__order", "order", "pk")
        .only("pk", "slug", "title", "course_id", "sources")
    )
    cited_by: dict[str, list[Lesson]] = {}
    for lesson in lessons:
        lesson.course = course
        for key in lesson.sources:
            cited_by.setdefault(key, []).append(lesson)
    groups = []
    references = list(Reference.objects.filter(key__in=cited_by).order_by("citation"))
    for kind, heading in REFERENCE_HEADINGS.items():
        chosen = [CitedReference(r, cited_by[r.key]) for r in references if r.kind == kind]
        if chosen:
            groups.append(ReferenceGroup(kind=kind, label=heading, references=chosen))
    return groups


# How the CPD hours of a course are counted (shown beside the hours the course states):
# the reading time its lessons give, a minute and a half for each case in its module
# quizzes (read the vignette, decide, read the explanation of your answer: the course
# description's own assumption), and a quarter of an hour for the reflection and the
# course evaluation that completing it asks for.
SECONDS_PER_CASE = 90
REFLECTION_MINUTES = 15


def _duration(minutes: int) -> str:
    """ "3 h 1 min", "2 h", "45 min"."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    return f"{hours} h" if hours else f"{rest} min"


@dataclass
class CpdTime:
    """The time a course's CPD hours stand for, counted from its content."""

    stated_hours: Decimal  # the course's cpd_hours
    reading_minutes: int  # the live lessons' reading times, added up
    cases: int  # questions a learner answers in one sitting of each live module quiz
    reflection_minutes: int = REFLECTION_MINUTES

    @property
    def quiz_minutes(self) -> int:
        return round(self.cases * SECONDS_PER_CASE / 60)

    @property
    def total_minutes(self) -> int:
        return self.reading_minutes + self.quiz_minutes + self.reflection_minutes

    @property
    def rounded_down(self) -> bool:
        """The stated hours are the counted time in whole hours, rounded down."""
        return self.total_minutes // 60 == self.stated_hours

    @property
    def reading(self) -> str:
        return _duration(self.reading_minutes)

    @property
    def quizzes(self) -> str:
        return _duration(self.quiz_minutes)

    @property
    def reflection(self) -> str:
        return _duration(self.reflection_minutes)

    @property
    def total(self) -> str:
        return _duration(self.total_minutes)

    @property
    def per_case(self) -> str:
        minutes, seconds = divmod(SECONDS_PER_CASE, 60)
        return f"{minutes}½" if seconds == 30 else f"{SECONDS_PER_CASE / 60:g}"


def cpd_time(course: Course, *, cases: int, now: datetime | None = None) -> CpdTime | None:
    """How the course's CPD hours were counted, for a course that gives hours (one query);
    `cases` is how many questions one sitting of each live module quiz asks, which the quiz app
    counts (see quizzes.receivers). Only live lessons in live modules count: what a
    learner reads, whoever is looking."""
    if not course.cpd_hours:
        return None
    reading = Lesson.objects.filter(
        live_q(now=now), live_q("module__", now), course=course
    ).aggregate(minutes=Sum("minutes"))["minutes"]
    return CpdTime(stated_hours=course.cpd_hours, reading_minutes=reading or 0, cases=cases)


# Every course page (its outline, lessons, references, completion) lives under this.
COURSE_PATH = re.compile(r"^/courses/(?P<slug>[-\w]+)/")


def signup_role_for(*, next_url: str) -> dict[str, str]:
    """For the sign-up page (accounts.hooks.signup_page): a visitor on their way to a
    page of a course for health professionals signs up as one (one query)."""
    match = COURSE_PATH.match(urlsplit(next_url).path)
    if match and (
        courses_visible_to(AnonymousUser())
        .filter(slug=match["slug"], audience=Course.Audience.CLINICIAN)
        .exists()
    ):
        return {"role": User.Role.CLINICIAN}
    return {}


# --- The editors' dashboard ----------------------------------------------------------


@dataclass(frozen=True)
class WeekCount:
    week: date  # the Monday (UTC) the ISO week starts on
    count: int


@dataclass(frozen=True)
class CourseEnrolments:
    course: Course
    weeks: list[WeekCount]  # oldest first, every week of the window, 0 where none

    @property
    def total(self) -> int:
        return sum(w.count for w in self.weeks)


def enrolments_per_week(*, weeks: int, now: datetime) -> list[CourseEnrolments]:
    """New enrolments in each course in each of the last `weeks` ISO weeks (UTC), weeks
    with none as 0. Two queries, whatever the number of learners."""
    starts = week_starts(now=now, weeks=weeks)
    counts = {
        (row["course"], as_week(row["week"])): row["n"]
        for row in Enrollment.objects.filter(
            created_at__gte=window_start(starts), created_at__lte=now
        )
        .annotate(week=week_of("created_at"))
        .values("course", "week")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return [
        CourseEnrolments(
            course=course,
            weeks=[WeekCount(week, counts.get((course.pk, week), 0)) for week in starts],
        )
        for course in Course.objects.all()
    ]


@dataclass(frozen=True)
class FunnelStep:
    lesson: Lesson
    completed: int  # enrolled learners who have marked the lesson done
    drop: int  # how many fewer than at the step before (the enrolled, for the first)
    biggest_drop: bool = False  # where most learners stop


@dataclass(frozen=True)
class CompletionFunnel:
    course: Course
    enrolled: int
    steps: list[FunnelStep]  # the live lessons, in reading order

    def percent(self, step: FunnelStep) -> float | None:
        return 100 * step.completed / self.enrolled if self.enrolled else None

    @property
    def stop(self) -> FunnelStep | None:
        return next((step for step in self.steps if step.biggest_drop), None)


def completion_funnel(course: Course, *, now: datetime) -> CompletionFunnel:
    """Of the learners enrolled in `course`, how many have completed each live lesson, in
    reading order, and the step that loses the most of them. Three queries, whatever the
    number of learners."""
    lessons = list(
        Lesson.objects.filter(live_q(now=now), live_q("module__", now), course=course)
        .select_related("module")
        .order_by("module__order", "module__pk", "order", "pk")
    )
    enrolled = Enrollment.objects.filter(course=course).count()
    # Progress of learners who have since left the course is not counted: the funnel is
    # "of the learners enrolled".
    done = dict(
        LessonProgress.objects.filter(
            Exists(Enrollment.objects.filter(user=OuterRef("user"), course=course)),
            course=course,
            completed_at__isnull=False,
        )
        .values("lesson")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("lesson", "n")
    )
    steps, before = [], enrolled
    for lesson in lessons:
        completed = done.get(lesson.pk, 0)
        steps.append(FunnelStep(lesson, completed, before - completed))
        before = completed
    biggest = max((s.drop for s in steps), default=0)
    if biggest > 0:
        at = next(i for i, s in enumerate(steps) if s.drop == biggest)
        steps[at] = FunnelStep(steps[at].lesson, steps[at].completed, biggest, True)
    return CompletionFunnel(course=course, enrolled=enrolled, steps=steps)
