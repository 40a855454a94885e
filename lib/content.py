"""The content-file kit: reading front matter and YAML, typed fields that name the file
and the key on error, idempotent saving, and the loaders each app registers.

Each app that ships content registers a loader in its AppConfig.ready(); `load_content`
(the management command) runs them in the order of INSTALLED_APPS, so the course loader
runs before the quiz loader, which needs the lessons. A file is validated before anything
from it is written and written in its own transaction (`attempt`), so a malformed file
loads nothing and names itself in the error.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import yaml
from django.db import models, transaction
from django.db.models import Q

_M = TypeVar("_M", bound=models.Model)
_T = TypeVar("_T")

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


# A loader reads its files under the content folder into the database, adding what it did
# to the report. `loaded` is shared by the loaders of one run: each leaves there what the
# later ones need (the course loader: loaded["courses"]).
Loader = Callable[[Path, LoadReport, dict[str, Any]], None]


class LoaderRegistry:
    """The content loaders, run in the order they were registered."""

    def __init__(self):
        self._loaders: dict[str, Loader] = {}

    def register(self, name: str, loader: Loader) -> None:
        """Add a loader; registering a name again replaces it and keeps its place."""
        self._loaders[name] = loader

    @property
    def names(self) -> list[str]:
        return list(self._loaders)

    def run(self, root: Path) -> LoadReport:
        report = LoadReport()
        loaded: dict[str, Any] = {}
        for loader in self._loaders.values():
            loader(root, report, loaded)
        return report


loaders = LoaderRegistry()
register_loader = loaders.register


def run_loaders(root: Path) -> LoadReport:
    """Run every registered loader over the content folder `root`."""
    return loaders.run(root)


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


class _UniqueKeyLoader(yaml.SafeLoader):
    """safe_load that refuses a key written twice in one mapping (instead of keeping the
    last one silently)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is written twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: Path) -> Any:
    """A whole YAML file; a key written twice in one mapping is an error."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # noqa: S506
    except UnicodeDecodeError:
        raise ContentError(path, "the file is not UTF-8 text") from None
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(path, f"cannot be read as YAML ({exc})".replace("\n", " ")) from None


class Fields:
    """Typed access to front matter that reports the file and the key on error."""

    def __init__(self, path: Path, meta: dict, allowed: set[str]):
        self.path, self.meta = path, meta
        unknown = sorted(set(meta) - allowed)
        if unknown:
            raise ContentError(
                path, f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
            )

    def fail(self, problem: str) -> NoReturn:
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

    def __init__(self, path: Path, meta: Any, allowed: set[str], where: str) -> None:
        self.where = where
        if not isinstance(meta, dict):
            raise ContentError(path, f"{where}must be a set of 'key: value' lines")
        super().__init__(path, meta, allowed)

    def fail(self, problem: str) -> NoReturn:
        raise ContentError(self.path, f"{self.where}{problem}")


def save_content(
    model: type[_M],
    lookup: dict[str, Any],
    values: dict[str, Any],
    label: str,
    report: LoadReport,
    *,
    formerly: Q | None = None,
    on_create: dict[str, Any] | None = None,
) -> _M:
    """Create, update (only the fields that changed) or leave alone. `formerly` finds the
    row under an earlier name when none has the current one: it is then renamed, so
    everything that points at it (attempts, cards, progress) stays attached. `on_create`
    holds values set only on a new row (an editor may change them later)."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None and formerly is not None:
        obj = model._default_manager.filter(formerly).first()
        if obj is not None:
            values = {**lookup, **values}
    if obj is None:
        obj = model(**lookup, **values, **(on_create or {}))
        obj.save()
        report.created.append(label)
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        # update_fields skips auto_now fields unless they are named.
        stamps = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
        obj.save(update_fields=[*changed, *stamps])
        report.updated.append(f"{label} ({', '.join(changed)})")
    else:
        report.unchanged += 1
    return obj


def attempt(report: LoadReport, fn: Callable[..., _T], *args: Any) -> _T | None:
    """Run one file's load in its own transaction; on a content error, keep nothing."""
    try:
        with transaction.atomic():
            return fn(*args)
    except ContentError as error:
        report.errors.append(error)
        return None
