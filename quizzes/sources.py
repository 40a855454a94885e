"""The sources of pain the case bank names, and the lesson passages that tell them apart.

course/content/sources.yaml is the controlled list (see FORMAT.md): each source has a key,
a name, a short label and the lesson heading that teaches it; `contrasts:` gives, for the
pairs the cases set against each other, the heading of the passage that separates the two.
Every option of a module quiz says which source it stands for (`Choice.source`), so a
wrong answer reads "the answer was X, the learner chose Y", and `passage_for(X, Y)` is
where to read about the difference.

The file is read once, when this module is imported; the titles of the lessons it points
to are read from their files' front matter the first time a passage is asked for, never
from the database.
"""

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.urls import reverse

from course.content_loader import CONTENT_DIR
from course.markdown import Heading, heading_anchor, headings
from course.models import Lesson
from lib.content import SLUG, ContentError, LoadReport, Where, read_document, read_yaml

SOURCES_FILE = "sources.yaml"
NONE = "none"  # what an option that names no source says in the quiz files


@dataclass(frozen=True)
class Source:
    key: str
    name: str  # as a clinician would say it
    short: str  # for a table cell
    lesson: str  # the slug of the lesson that teaches it
    heading: str  # the heading of that passage


@dataclass(frozen=True)
class Contrast:
    pair: frozenset[str]
    lesson: str
    heading: str


@dataclass(frozen=True)
class SourceList:
    course: str  # the slug of the course whose lessons are pointed to
    sources: dict[str, Source]
    contrasts: dict[frozenset[str], Contrast]


@dataclass(frozen=True)
class Passage:
    """A passage of a lesson: the heading and the lesson it is in, and the link to it."""

    url: str  # /courses/<course>/<lesson>/#<anchor>
    title: str  # the heading text
    lesson_title: str
    lesson: str  # the lesson's slug
    anchor: str


def parse_sources(path: Path) -> SourceList:
    """sources.yaml, checked on its own: keys are unique slugs, every field is there, and
    every contrast names two different known sources, no pair twice. Whether the lessons
    and headings exist is checked against the loaded course (`check_sources`)."""
    data = read_yaml(path)
    top = Where(path, data, {"course", "sources", "contrasts"}, "")
    course = top.text("course")
    raw_sources = data.get("sources")
    if not isinstance(raw_sources, list) or not raw_sources:
        top.fail("'sources' must be a list of at least one source")
    sources: dict[str, Source] = {}
    for number, raw in enumerate(raw_sources, start=1):
        key = raw.get("key", f"#{number}") if isinstance(raw, dict) else f"#{number}"
        f = Where(path, raw, {"key", "name", "short", "lesson", "heading"}, f"source {key}: ")
        key = f.text("key", max_length=40)
        if not SLUG.match(key) or key == NONE:
            f.fail(
                f"'key' must be lower-case words joined by hyphens (and not 'none'), not {key!r}"
            )
        if key in sources:
            f.fail(f"the key {key!r} is used twice")
        sources[key] = Source(
            key=key,
            name=f.text("name", max_length=100),
            short=f.text("short", max_length=30),
            lesson=f.text("lesson"),
            heading=f.text("heading"),
        )
    raw_contrasts = data.get("contrasts", [])
    if not isinstance(raw_contrasts, list):
        top.fail("'contrasts' must be a list of pairs")
    contrasts: dict[frozenset[str], Contrast] = {}
    for number, raw in enumerate(raw_contrasts, start=1):
        f = Where(path, raw, {"pair", "lesson", "heading"}, f"contrast {number}: ")
        keys = raw.get("pair")
        if not isinstance(keys, list) or len(keys) != 2 or keys[0] == keys[1]:
            f.fail("'pair' must name two different sources: [key-a, key-b]")
        if unknown := [k for k in keys if k not in sources]:
            f.fail(f"'pair' names {unknown[0]!r}, which is not a key under 'sources'")
        pair = frozenset(keys)
        if pair in contrasts:
            f.fail(f"the pair {keys[0]} / {keys[1]} is listed twice")
        contrasts[pair] = Contrast(pair=pair, lesson=f.text("lesson"), heading=f.text("heading"))
    return SourceList(course=course, sources=sources, contrasts=contrasts)


def _passages_named(sources: SourceList) -> list[tuple[str, str, str]]:
    """(who names it, lesson, heading) for every passage the file points to."""
    named = [(f"source {s.key}", s.lesson, s.heading) for s in sources.sources.values()]
    named += [
        (f"contrast {' / '.join(sorted(c.pair))}", c.lesson, c.heading)
        for c in sources.contrasts.values()
    ]
    return named


def check_passages(path: Path, sources: SourceList, lessons: dict[str, list[Heading]]) -> None:
    """Every lesson named is one of the course's, and every heading is a heading of that
    lesson, exactly once (a repeated heading would make the link ambiguous)."""
    for who, lesson, heading in _passages_named(sources):
        if lesson not in lessons:
            raise ContentError(
                path, f"{who}: 'lesson' {lesson!r} is not a lesson of {sources.course}"
            )
        found = [h for h in lessons[lesson] if h.text == heading]
        if not found:
            raise ContentError(
                path,
                f"{who}: lesson {lesson} has no heading {heading!r}; its headings: "
                + "; ".join(h.text for h in lessons[lesson]),
            )
        if len(found) > 1:
            raise ContentError(
                path,
                f"{who}: lesson {lesson} has the heading {heading!r} more than once; "
                "point to one that is unique",
            )
        if found[0].anchor != heading_anchor(heading):
            # The site links to the id the heading's text gives (see `_passage`); an
            # earlier heading with the same id has pushed this one to another.
            raise ContentError(
                path,
                f"{who}: the heading {heading!r} of lesson {lesson} has the id "
                f"{found[0].anchor!r}, not {heading_anchor(heading)!r}: an earlier heading "
                "of that lesson takes its id; reword one of them",
            )


def check_sources(root: Path, report: LoadReport, loaded: dict[str, Any]) -> None:
    """The sources loader, after the course loader and before the quizzes: nothing is
    saved, but sources.yaml is checked against the lessons just loaded, and its keys are
    left for the quiz loader in loaded["source_keys"] (None when the content folder has
    no sources.yaml; loaded["sources_error"] when the file cannot be read for its keys)."""
    path = root / SOURCES_FILE
    loaded["source_keys"] = None
    if not path.exists():
        return
    try:
        sources = parse_sources(path)
    except ContentError as error:
        # Without its keys no quiz can be checked; the quiz loader says so per file.
        loaded["sources_error"] = True
        report.errors.append(error)
        return
    loaded["source_keys"] = frozenset(sources.sources)
    courses = {entry.course.slug: entry.course for entry in loaded.get("courses", [])}
    try:
        if sources.course not in courses:
            raise ContentError(path, f"'course' {sources.course!r} is not a course of this content")
        lessons = {
            slug: headings(html)
            for slug, html in Lesson.objects.filter(course=courses[sources.course]).values_list(
                "slug", "body_html"
            )
        }
        check_passages(path, sources, lessons)
    except ContentError as error:
        report.errors.append(error)


# --- what the site reads ------------------------------------------------------------------

SOURCE_LIST: SourceList = parse_sources(CONTENT_DIR / SOURCES_FILE)
SOURCES: dict[str, Source] = SOURCE_LIST.sources
SOURCE_CHOICES = [(s.key, s.name) for s in SOURCES.values()]


def source_name(key: str) -> str:
    """The name of a source; "" for none, and the key itself for one no longer listed."""
    source = SOURCES.get(key)
    return source.name if source else key


def source_short(key: str) -> str:
    """A source's short label, for a narrow table cell; the key for one no longer listed."""
    source = SOURCES.get(key)
    return source.short if source else key


@functools.cache
def _lesson_titles() -> dict[str, str]:
    """The titles of the sources' course's lessons, from the front matter of their files,
    read once per process (no database query on the pages that link to passages)."""
    for course_file in sorted(CONTENT_DIR.glob("*/course.md")):
        meta, _ = read_document(course_file)
        if meta.get("slug") != SOURCE_LIST.course:
            continue
        titles = {}
        for lesson_file in sorted(course_file.parent.glob("[0-9][0-9]-*/[0-9][0-9]-*.md")):
            meta, _ = read_document(lesson_file)
            titles[meta["slug"]] = str(meta.get("title", ""))
        return titles
    return {}


def _passage(lesson: str, heading: str) -> Passage | None:
    """The link to a heading of a lesson. The id is the one its text gives: the loader
    checks that the lesson page gives it that id (`check_passages`)."""
    title = _lesson_titles().get(lesson)
    if title is None:
        return None
    anchor = heading_anchor(heading)
    url = reverse("course:lesson", args=[SOURCE_LIST.course, lesson])
    return Passage(
        url=f"{url}#{anchor}", title=heading, lesson_title=title, lesson=lesson, anchor=anchor
    )


def passage_for(a: str, b: str) -> Passage | None:
    """The lesson passage that separates source a from source b, in either order: the
    contrast that lists the pair, or else the passage that teaches source a. None when
    either key is not a listed source."""
    if a not in SOURCES or b not in SOURCES:
        return None
    contrast = SOURCE_LIST.contrasts.get(frozenset((a, b)))
    if contrast is not None:
        return _passage(contrast.lesson, contrast.heading)
    return _passage(SOURCES[a].lesson, SOURCES[a].heading)


def passage_of(key: str) -> Passage | None:
    """The passage that teaches one source."""
    source = SOURCES.get(key)
    return _passage(source.lesson, source.heading) if source else None
