"""Load the shipped courses from Markdown files under course/content/ (see FORMAT.md).

Each file is validated before anything from it is written, and written in its own
transaction, so a malformed file loads nothing and names itself in the error. Rows
are saved only when a field really changed, so loading twice changes nothing.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .figures import FigureError, check_svg
from .markdown import figure_names
from .models import Course, Lesson, Module, Publishable, Reference

CONTENT_DIR = Path(__file__).resolve().parent / "content"
REFERENCES_FILE = "references.yaml"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ORDERED = re.compile(r"^(\d{2})-[a-z0-9-]+$")


class ContentError(Exception):
    def __init__(self, path: Path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[ContentError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_document(path: Path) -> tuple[dict, str]:
    """Split a Markdown file into its YAML front matter and its body."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ContentError(path, "the file is not UTF-8 text") from None
    if not text.startswith("---\n"):
        raise ContentError(path, "the file must start with a front matter block ('---' line)")
    try:
        _, front, body = text.split("---\n", 2)
    except ValueError:
        raise ContentError(path, "the front matter block is not closed by a '---' line") from None
    try:
        meta = yaml.safe_load(front)
    except yaml.YAMLError as exc:
        raise ContentError(
            path, f"the front matter is not valid YAML ({exc})".replace("\n", " ")
        ) from None
    if not isinstance(meta, dict):
        raise ContentError(path, "the front matter must be a set of 'key: value' lines")
    return meta, body.strip()


class Fields:
    """Typed access to front matter that reports the file and the key on error."""

    def __init__(self, path: Path, meta: dict, allowed: set[str]):
        self.path, self.meta = path, meta
        unknown = sorted(set(meta) - allowed)
        if unknown:
            raise ContentError(
                path, f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
            )

    def fail(self, problem: str):
        raise ContentError(self.path, problem)

    def text(self, key: str, *, required: bool = True, max_length: int | None = None) -> str:
        value = self.meta.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(f"'{key}' is missing")
            return ""
        if not isinstance(value, str):
            self.fail(f"'{key}' must be text")
        if max_length and len(value) > max_length:
            self.fail(f"'{key}' is longer than {max_length} characters")
        return value.strip()

    def slug(self) -> str:
        value = self.text("slug", max_length=50)
        if not SLUG.match(value):
            self.fail(f"'slug' must be lower-case words joined by hyphens, not {value!r}")
        return value

    def choice(self, key: str, choices: set[str]) -> str:
        value = self.text(key)
        if value not in choices:
            self.fail(f"'{key}' must be one of {', '.join(sorted(choices))}, not {value!r}")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.meta.get(key, default)
        if not isinstance(value, bool):
            self.fail(f"'{key}' must be true or false")
        return value

    def positive_int(self, key: str, default: int) -> int:
        value = self.meta.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            self.fail(f"'{key}' must be a whole number of at least 1")
        return value

    def decimal(self, key: str, default: str) -> Decimal:
        value = self.meta.get(key, default)
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.fail(f"'{key}' must be a number")
        if number < 0 or number >= 1000:
            self.fail(f"'{key}' must be between 0 and 999")
        return number

    def date(self, key: str) -> datetime.date | None:
        value = self.meta.get(key)
        if value is None:
            return None
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        self.fail(f"'{key}' must be a date written YYYY-MM-DD")

    def slugs(self, key: str) -> list[str]:
        """Earlier slugs (`formerly`): a list of slugs, or nothing."""
        values = self.text_list(key)
        if bad := [v for v in values if not SLUG.match(v)]:
            self.fail(f"'{key}' lists {bad[0]!r}, which is not a slug")
        return values

    def text_list(self, key: str, *, choices: set[str] | None = None) -> list[str]:
        value = self.meta.get(key, [])
        if not isinstance(value, list) or not all(isinstance(x, str) and x.strip() for x in value):
            self.fail(f"'{key}' must be a list of text lines")
        if choices is not None and (bad := sorted(set(value) - choices)):
            self.fail(
                f"'{key}' has unknown value(s) {', '.join(bad)}; "
                f"known: {', '.join(sorted(choices))}"
            )
        return [x.strip() for x in value]

    def cards(self, key: str) -> list[dict]:
        value = self.meta.get(key, [])
        if not isinstance(value, list):
            self.fail(f"'{key}' must be a list of front/back pairs")
        cards = []
        for i, card in enumerate(value, start=1):
            if (
                not isinstance(card, dict)
                or set(card) != {"front", "back"}
                or not all(isinstance(card[k], str) and card[k].strip() for k in card)
            ):
                self.fail(f"'{key}' item {i} must have exactly a 'front' and a 'back' text")
            cards.append({"front": card["front"].strip(), "back": card["back"].strip()})
        return cards


class Where(Fields):
    """Fields that say which question or option a problem is in."""

    def __init__(self, path: Path, meta, allowed: set[str], where: str):
        self.where = where
        if not isinstance(meta, dict):
            raise ContentError(path, f"{where}must be a set of 'key: value' lines")
        super().__init__(path, meta, allowed)

    def fail(self, problem: str):
        raise ContentError(self.path, f"{self.where}{problem}")


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
    f = Fields(path, meta, {"slug", "title", "audience", "summary", "cpd_hours", "order"})
    return {
        "slug": f.slug(),
        "title": f.text("title", max_length=200),
        "audience": f.choice("audience", set(Course.Audience.values)),
        "summary": f.text("summary", max_length=300),
        "cpd_hours": f.decimal("cpd_hours", "0"),
        "order": f.positive_int("order", 1),
        "description_md": _body(path, body),
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
    values = {
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
    figures = []
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


def save_content(
    model, lookup: dict, values: dict, label: str, report: LoadReport, *, formerly: Q | None = None
):
    """Create, update (only the fields that changed) or leave alone. `formerly` finds the
    row under an earlier name when none has the current one: it is then renamed, so
    everything that points at it (attempts, cards, progress) stays attached."""
    obj = model.objects.filter(**lookup).first()
    if obj is None and formerly is not None:
        obj = model.objects.filter(formerly).first()
        if obj is not None:
            values = {**lookup, **values}
    if obj is None:
        created = {"status": Publishable.Status.PUBLISHED, "publish_at": timezone.now()}
        obj = model(**lookup, **values, **(created if issubclass(model, Publishable) else {}))
        obj.save()
        report.created.append(label)
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        extra = ["updated_at"] if issubclass(model, Publishable) else []
        obj.save(update_fields=[*changed, *extra])
        report.updated.append(f"{label} ({', '.join(changed)})")
    else:
        report.unchanged += 1
    return obj


def _attempt(report: LoadReport, fn, *args):
    """Run one file's load in its own transaction; on a content error, keep nothing."""
    try:
        with transaction.atomic():
            return fn(*args)
    except ContentError as error:
        report.errors.append(error)
        return None


def load_content(root: Path = CONTENT_DIR) -> LoadReport:
    report = LoadReport()
    references = _attempt(report, _load_references, root, report)
    if references is None:
        return report
    for course_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        course = _attempt(report, _load_course, course_dir, report)
        if course is None:
            continue
        seen_slugs: dict[str, Path] = {}
        modules = []
        module_dirs = sorted(p for p in course_dir.iterdir() if p.is_dir())
        for module_dir in module_dirs:
            module = _attempt(report, _load_module, course, module_dir, report)
            if module is None:
                continue
            modules.append((module, module_dir))
            for lesson_path in sorted(module_dir.glob("*.md")):
                if lesson_path.name == "module.md":
                    continue
                _attempt(
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
        # Quizzes last: their questions link to lessons anywhere in the course.
        from quizzes.content import load_quiz

        for module, module_dir in modules:
            for quiz_path in sorted(module_dir.glob("*.yaml")):
                _attempt(report, load_quiz, course, module, quiz_path, report)
    return report


def _load_course(course_dir: Path, report: LoadReport) -> Course:
    path = course_dir / "course.md"
    if not path.exists():
        raise ContentError(path, "every course folder needs a course.md")
    values = parse_course(path)
    slug = values.pop("slug")
    return save_content(Course, {"slug": slug}, values, f"course {slug}", report)


def _load_module(course: Course, module_dir: Path, report: LoadReport) -> Module:
    path = module_dir / "module.md"
    if not path.exists():
        raise ContentError(path, "every module folder needs a module.md")
    values = parse_module(path)
    slug = values.pop("slug")
    return save_content(
        Module, {"course": course, "slug": slug}, values, f"module {course.slug}/{slug}", report
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
    return save_content(
        Lesson,
        {"course": course, "slug": slug},
        values,
        f"lesson {course.slug}/{slug}",
        report,
        formerly=Q(course=course, slug__in=formerly) if formerly else None,
    )
