"""Load the shipped courses from Markdown files under course/content/ (see FORMAT.md).

Each file is validated before anything from it is written, and written in its own
transaction, so a malformed file loads nothing and names itself in the error. Rows
are saved only when a field really changed, so loading twice changes nothing.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from .models import Course, Lesson, Module, Publishable

CONTENT_DIR = Path(__file__).resolve().parent / "content"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ORDERED = re.compile(r"^(\d{2})-[a-z0-9-]+$")
SOURCE_KEYS = {"grimaldi-mcnab", "knight", "ng", "clinic-guide"}


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

    def text_list(self, key: str, *, choices: set[str] | None = None) -> list[str]:
        value = self.meta.get(key, [])
        if not isinstance(value, list) or not all(isinstance(x, str) and x.strip() for x in value):
            self.fail(f"'{key}' must be a list of text lines")
        if choices and (bad := sorted(set(value) - choices)):
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


def parse_lesson(path: Path) -> dict:
    meta, body = read_document(path)
    f = Fields(
        path,
        meta,
        {"slug", "title", "summary", "free", "minutes", "objectives", "key_points", "sources"},
    )
    return {
        "slug": f.slug(),
        "title": f.text("title", max_length=200),
        "summary": f.text("summary"),
        "is_free": f.boolean("free", False),
        "minutes": f.positive_int("minutes", 10),
        "objectives": f.text_list("objectives"),
        "key_points": f.cards("key_points"),
        "sources": f.text_list("sources", choices=SOURCE_KEYS),
        "body_md": _body(path, body),
        "order": _order_of(path),
    }


def save_content(model, lookup: dict, values: dict, label: str, report: LoadReport):
    """Create, update (only the fields that changed) or leave alone."""
    obj = model.objects.filter(**lookup).first()
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
                _attempt(report, _load_lesson, course, module, lesson_path, seen_slugs, report)
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


def _load_lesson(
    course: Course, module: Module, path: Path, seen: dict[str, Path], report: LoadReport
) -> Lesson:
    values = parse_lesson(path)
    slug = values.pop("slug")
    if slug in seen:
        raise ContentError(path, f"slug {slug!r} is already used by {seen[slug]}")
    seen[slug] = path
    values["module"] = module
    return save_content(
        Lesson, {"course": course, "slug": slug}, values, f"lesson {course.slug}/{slug}", report
    )
