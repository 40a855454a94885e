"""Load the shipped courses from Markdown files under course/content/ (see FORMAT.md).

The course app's content loader (registered in CourseConfig.ready()): the reference list,
then each course with its modules and lessons. The file-format kit it uses (front matter,
typed fields, idempotent saving) is lib.content; `load_content` runs every app's loader.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db.models import Q
from django.utils import timezone

from lib.content import (
    ORDERED,
    SLUG,
    ContentError,
    Fields,
    LoadReport,
    Where,
    attempt,
    read_document,
    run_loaders,
    save_content,
)

from . import revisions
from .figures import FigureError, check_svg
from .markdown import figure_names, learning_outcomes, render_markdown
from .models import Course, Lesson, Module, Publishable, Reference

CONTENT_DIR = Path(__file__).resolve().parent / "content"
REFERENCES_FILE = "references.yaml"


def _order_of(path: Path) -> int:
    match = ORDERED.match(path.stem if path.is_file() else path.name)
    if not match:
        raise ContentError(
            path, "the name must start with a two-digit number and a hyphen, for example 01-anatomy"
        )
    return int(match.group(1))


def _body(path: Path, body: str) -> str:
    if not body:
        raise ContentError(path, "the body after the front matter is empty")
    return body


def parse_course(path: Path) -> dict:
    meta, body = read_document(path)
    f = Fields(path, meta, {"slug", "title", "audience", "summary", "cpd_hours", "order", "lead"})
    description = _body(path, body)
    values: dict[str, Any] = {
        "slug": f.slug(),
        "title": f.text("title", max_length=200),
        "audience": f.choice("audience", set(Course.Audience.values)),
        "summary": f.text("summary", max_length=300),
        "cpd_hours": f.decimal("cpd_hours", "0"),
        "order": f.positive_int("order", 1),
        "description_md": description,
        **_lead(f),
    }
    # A certificate lists what the course taught; one with hours must say.
    if values["cpd_hours"] and not learning_outcomes(description):
        f.fail(
            "a course with CPD hours needs a '## Learning outcomes' heading "
            "followed by a numbered list in its description"
        )
    return values


def _lead(f: Fields) -> dict[str, str]:
    """The course lead who signs the certificate: a name and a role, or nobody."""
    lead = f.meta.get("lead")
    if lead is None:
        return {"lead_name": "", "lead_role": ""}
    where = Where(f.path, lead, {"name", "role"}, "'lead': ")
    return {
        "lead_name": where.text("name", max_length=100),
        "lead_role": where.text("role", max_length=100),
    }


def parse_module(path: Path) -> dict:
    meta, body = read_document(path)
    f = Fields(path, meta, {"slug", "title"})
    return {
        "slug": f.slug(),
        "title": f.text("title", max_length=200),
        "intro_md": _body(path, body),
        "order": _order_of(path.parent),
    }


def parse_lesson(path: Path, *, root: Path = CONTENT_DIR, references: set[str]) -> dict:
    meta, body = read_document(path)
    f = Fields(
        path,
        meta,
        {
            "slug",
            "formerly",
            "title",
            "summary",
            "free",
            "minutes",
            "authors",
            "reviewed",
            "objectives",
            "key_points",
            "sources",
            "figures",
        },
    )
    values: dict[str, Any] = {
        "slug": f.slug(),
        "formerly": f.slugs("formerly"),
        "title": f.text("title", max_length=200),
        "summary": f.text("summary"),
        "is_free": f.boolean("free", False),
        "minutes": f.positive_int("minutes", 10),
        "authors": f.text("authors", required=False, max_length=200),
        "reviewed_on": f.date("reviewed"),
        "objectives": f.text_list("objectives"),
        "key_points": f.cards("key_points"),
        "sources": f.text_list("sources", choices=references),
        "figures": _figures(f, path, root),
        "body_md": _body(path, body),
        "order": _order_of(path),
    }
    declared = [x["name"] for x in values["figures"]]
    placed = figure_names(values["body_md"])
    for name in declared:
        if placed.count(name) != 1:
            f.fail(f"figure {name!r} must be placed once in the body with [figure: {name}]")
    if unknown := sorted(set(placed) - set(declared)):
        f.fail(f"[figure: {unknown[0]}] is placed but not listed under 'figures'")
    return values


def _figures(f: Fields, path: Path, root: Path) -> list[dict]:
    """The lesson's diagrams, each SVG checked against FORMAT.md's subset."""
    raw = f.meta.get("figures", [])
    if not isinstance(raw, list):
        f.fail("'figures' must be a list of figures (file, caption, description)")
    figures: list[dict[str, Any]] = []
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or set(item) != {"file", "caption", "description"}:
            f.fail(f"figure {i} must have exactly a 'file', a 'caption' and a 'description'")
        if not all(isinstance(item[k], str) and item[k].strip() for k in item):
            f.fail(f"figure {i}: 'file', 'caption' and 'description' must be text")
        file = (path.parent / item["file"]).resolve()
        if not file.is_relative_to(root.resolve()) or file.suffix != ".svg":
            f.fail(f"figure {i}: {item['file']!r} must be an .svg file inside the content folder")
        if not file.is_file():
            f.fail(f"figure {i}: {item['file']!r} does not exist")
        name = file.stem
        if not SLUG.match(name):
            f.fail(f"figure {i}: the file name {file.name!r} must be a slug")
        if name in {x["name"] for x in figures}:
            f.fail(f"figure {i}: {name!r} is listed twice")
        try:
            svg = check_svg(file, name)
        except FigureError as error:
            f.fail(f"figure {i} ({item['file']}): {error}")
        figures.append(
            {
                "name": name,
                "caption": " ".join(item["caption"].split()),
                "description": item["description"].strip(),
                "svg": svg,
            }
        )
    return figures


def parse_references(path: Path) -> dict[str, dict]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(path, f"cannot be read as YAML ({exc})".replace("\n", " ")) from None
    if not isinstance(data, dict):
        raise ContentError(path, "must map each reference key to its citation")
    references = {}
    for key, entry in data.items():
        if not isinstance(key, str) or not SLUG.match(key):
            raise ContentError(path, f"{key!r} is not a slug")
        f = Where(path, entry, {"citation", "kind", "note"}, f"{key}: ")
        references[key] = {
            "citation": " ".join(f.text("citation").split()),
            "kind": f.choice("kind", set(Reference.Kind.values)),
            "note": " ".join(f.text("note", required=False).split()),
        }
    return references


def _published() -> dict:
    """A course, module or lesson the loader creates is published at once; an editor may
    unpublish it later, and a reload leaves that alone."""
    return {"status": Publishable.Status.PUBLISHED, "publish_at": timezone.now()}


def load_content(root: Path = CONTENT_DIR) -> LoadReport:
    """Load the content folder: every app's registered loader in turn (lib.content).

    What this run created is reported as created only, even where a later step of the
    same run writes to it again (a quiz's twins are written once all its questions
    exist): on a fresh database nothing was "updated"."""
    report = run_loaders(root)
    created = set(report.created)
    # An update reads "<label> (<what changed>)"; labels have no " (" of their own.
    report.updated = [u for u in report.updated if u.split(" (", 1)[0] not in created]
    return report


@dataclass
class LoadedCourse:
    """A course the course loader saved, with the modules it saved (and their folders)."""

    course: Course
    modules: list[tuple[Module, Path]] = field(default_factory=list)


def load_courses(root: Path, report: LoadReport, loaded: dict[str, Any]) -> None:
    """The course app's loader. Leaves loaded["courses"], a list of LoadedCourse, for the
    loaders that follow; without a readable reference list nothing is loaded."""
    references = attempt(report, _load_references, root, report)
    if references is None:
        return
    courses = loaded["courses"] = []
    for course_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        course = attempt(report, _load_course, course_dir, report)
        if course is None:
            continue
        seen_slugs: dict[str, Path] = {}
        entry = LoadedCourse(course)
        module_dirs = sorted(p for p in course_dir.iterdir() if p.is_dir())
        for module_dir in module_dirs:
            module = attempt(report, _load_module, course, module_dir, report)
            if module is None:
                continue
            entry.modules.append((module, module_dir))
            for lesson_path in sorted(module_dir.glob("*.md")):
                if lesson_path.name == "module.md":
                    continue
                attempt(
                    report,
                    _load_lesson,
                    course,
                    module,
                    lesson_path,
                    seen_slugs,
                    report,
                    root,
                    references,
                )
        courses.append(entry)


def _load_course(course_dir: Path, report: LoadReport) -> Course:
    path = course_dir / "course.md"
    if not path.exists():
        raise ContentError(path, "every course folder needs a course.md")
    values = parse_course(path)
    slug = values.pop("slug")
    return save_content(
        Course, {"slug": slug}, values, f"course {slug}", report, on_create=_published()
    )


def _load_module(course: Course, module_dir: Path, report: LoadReport) -> Module:
    path = module_dir / "module.md"
    if not path.exists():
        raise ContentError(path, "every module folder needs a module.md")
    values = parse_module(path)
    slug = values.pop("slug")
    return save_content(
        Module,
        {"course": course, "slug": slug},
        values,
        f"module {course.slug}/{slug}",
        report,
        on_create=_published(),
    )


def _load_references(root: Path, report: LoadReport) -> set[str]:
    path = root / REFERENCES_FILE
    if not path.exists():
        return set()
    references = parse_references(path)
    for key, values in references.items():
        save_content(Reference, {"key": key}, values, f"reference {key}", report)
    return set(references)


def _load_lesson(
    course: Course,
    module: Module,
    path: Path,
    seen: dict[str, Path],
    report: LoadReport,
    root: Path,
    references: set[str],
) -> Lesson:
    values = parse_lesson(path, root=root, references=references)
    slug = values.pop("slug")
    formerly = values.pop("formerly")
    if slug in seen:
        raise ContentError(path, f"slug {slug!r} is already used by {seen[slug]}")
    seen[slug] = path
    values["module"] = module
    # The stored HTML is compared too, so a change in how lessons are rendered (heading
    # ids, say) reaches lessons whose text did not change.
    values["body_html"] = render_markdown(
        values["body_md"], figures=values["figures"], heading_ids=True
    )
    # A live lesson the load rewrites gets a new version in its history, like an
    # editor's published draft (course.revisions).
    versioned = revisions.adapter_for(Lesson)
    live = Lesson.objects.filter(course=course, slug=slug, status=Publishable.Status.PUBLISHED)
    before = versioned.snapshot(live[0]) if live else None
    lesson = save_content(
        Lesson,
        {"course": course, "slug": slug},
        values,
        f"lesson {course.slug}/{slug}",
        report,
        formerly=Q(course=course, slug__in=formerly) if formerly else None,
        on_create=_published(),
    )
    if before is not None:
        revisions.record_change(
            item=lesson, before=before, by=None, note="Loaded from the content folder"
        )
    return lesson
