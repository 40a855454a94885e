"""Drafts of live items: edit, publish (now or at a time), discard, history, restore.

Learners read an item's own row and nothing else. An editor's change to an item they may
already see goes to a draft revision (`course.models.Revision`) instead; publishing it
writes its data onto the row in one transaction, with the row locked, and numbers it
(the item's `version`). Each kind of item says what its editable data is through a
`Versioned` adapter, registered once: lessons here, quiz questions in the quiz app.

The database keeps the rules that matter under concurrency: one open revision per item
(a partial unique constraint), one number per version, and a conditional update that
claims a draft for publishing, so two publishes of one draft publish it once.
"""

import difflib
import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from lib.errors import AppError, ErrorKind

from .models import Lesson, PublicationEvent, Reference, Revision

logger = logging.getLogger(__name__)

OPEN = [Revision.Status.DRAFT, Revision.Status.SCHEDULED]


@dataclass(frozen=True)
class Field:
    """One editable field, as the history's diff shows it."""

    key: str  # key in Revision.data
    label: str
    markdown: bool = False  # long text (or a list, one item a line): line diff; else old → new


class Versioned:
    """What revisions need to know of one model. Subclass, set `model` and `fields`, and
    `register()` an instance. The defaults suit a model whose fields are plain attributes
    named as the data's keys."""

    model: ClassVar[type[models.Model]]
    fields: ClassVar[tuple[Field, ...]]

    def snapshot(self, item: Any) -> dict[str, Any]:
        """The editable fields as on the row now, JSON-able."""
        return {f.key: _jsonable(getattr(item, f.key)) for f in self.fields}

    def load(self, item: Any, data: dict[str, Any]) -> None:
        """Set `data` on the item in memory, without saving: a preview, or the first half
        of `apply`. Keys the data lacks keep the row's value."""
        for f in self.fields:
            if f.key in data:
                setattr(item, f.key, data[f.key])

    def apply(self, item: Any, data: dict[str, Any]) -> None:
        """Write the data onto the row (and its children). Called inside the publish
        transaction with the item's row locked."""
        self.load(item, data)
        item.save()

    def validate(self, data: dict[str, Any]) -> list[str]:
        """Problems that forbid publishing this data, in words for an editor."""
        return []

    def is_live(self, item: Any) -> bool:
        """Learners may see the item (or will, when its publish time comes): edits go to a
        draft. Otherwise the item is edited directly."""
        return bool(item.status == "published")

    def preview_url(self, revision: Revision) -> str:
        """The draft as a learner would see it."""
        raise NotImplementedError

    def display(self, key: str, value: Any) -> str:
        """A value as the history shows it: lists one item a line."""
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, list):
            return "\n".join(self.display(key, v) for v in value)
        if isinstance(value, dict):
            return " — ".join(str(v) for v in value.values() if v not in (None, ""))
        return str(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


_registry: dict[type[models.Model], Versioned] = {}


def register(adapter: Versioned) -> None:
    _registry[adapter.model] = adapter


def adapter_for(item_or_model: Any) -> Versioned:
    model: Any = item_or_model if isinstance(item_or_model, type) else type(item_or_model)
    model = model._meta.concrete_model
    try:
        return _registry[model]
    except KeyError:
        raise LookupError(f"{model.__name__} has no revisions registered") from None


def _content_type(model: type[models.Model] | models.Model) -> ContentType:
    return ContentType.objects.get_for_model(model, for_concrete_model=True)


def revisions_of(item: models.Model) -> models.QuerySet[Revision]:
    return Revision.objects.filter(content_type=_content_type(item), object_id=item.pk)


def open_revision(item: models.Model) -> Revision | None:
    """The item's draft (or scheduled draft), if it has one."""
    return revisions_of(item).filter(status__in=OPEN).select_related("updated_by").first()


def _ensure_baseline(item: Any, data: dict[str, Any], now: datetime) -> None:
    """Before an item's history begins (its first draft, or a change the loader made),
    record what learners saw, `data`, as a published version numbered `item.version`, so
    that the history starts there and that version can be restored."""
    revisions = revisions_of(item)
    if revisions.filter(number__isnull=False).exists():
        return
    try:
        with transaction.atomic():
            revisions.create(
                content_type=_content_type(item),
                object_id=item.pk,
                status=Revision.Status.PUBLISHED,
                number=item.version,
                data=data,
                note="As first published",
                created_by=getattr(item, "published_by", None),
                created_at=now,
                updated_at=now,
                published_at=getattr(item, "publish_at", None) or now,
                published_by=getattr(item, "published_by", None),
            )
    except IntegrityError:
        pass  # another editor's first draft wrote the same baseline a moment ago


def draft_save(
    *,
    item: Any,
    data: dict[str, Any],
    by: User | None,
    note: str = "",
    now: datetime | None = None,
) -> Revision:
    """Create or update THE open draft of the item with `data`.

    Editing a scheduled draft returns it to a draft: what goes out at a set time is only
    ever what the editor scheduled, never a later half-finished edit."""
    adapter = adapter_for(item)
    now = now or timezone.now()
    with transaction.atomic():
        _ensure_baseline(item, adapter.snapshot(item), now)
        revision = revisions_of(item).filter(status__in=OPEN).select_for_update().first()
        if revision is None:
            try:
                with transaction.atomic():
                    return _create_draft(item=item, data=data, by=by, note=note, now=now)
            except IntegrityError:
                # Two first saves at once: the one-open-revision constraint let the other
                # in first. Its draft is THE draft; this save updates it.
                revision = revisions_of(item).filter(status__in=OPEN).select_for_update().get()
        revision.data = data
        if note:
            revision.note = note
        revision.status = Revision.Status.DRAFT
        revision.publish_at = None
        revision.updated_by = by
        revision.updated_at = now
        revision.save(
            update_fields=["data", "note", "status", "publish_at", "updated_by", "updated_at"]
        )
        return revision


def _next_number(item: Any) -> int:
    """The number the item's next published version takes (its row locked by the caller)."""
    highest = revisions_of(item).aggregate(n=Max("number"))["n"] or 0
    return max(highest, item.version) + 1


def _create_draft(
    *, item: Any, data: dict[str, Any], by: User | None, note: str, now: datetime
) -> Revision:
    return Revision.objects.create(
        content_type=_content_type(item),
        object_id=item.pk,
        status=Revision.Status.DRAFT,
        based_on=item.version,
        data=data,
        note=note,
        created_by=by,
        created_at=now,
        updated_by=by,
        updated_at=now,
    )


def _refuse_invalid(adapter: Versioned, data: dict[str, Any]) -> None:
    problems = adapter.validate(data)
    if problems:
        raise AppError("This draft cannot be published: " + " ".join(problems), ErrorKind.INVALID)


def draft_publish(
    *,
    revision: Revision,
    by: User | None,
    now: datetime | None = None,
    as_scheduled: bool = False,
) -> int:
    """Publish the draft: its data onto the item's row, the item's version bumped, all in
    one transaction. Returns the new version number. A draft already published (by
    another editor, or the beat job, a moment ago) or discarded raises AppError; so does,
    `as_scheduled` (the beat job), a draft no longer scheduled for now or before.

    What is published is the draft as it is in the database at this moment, read under
    lock, not the copy the caller holds: an editor's save a moment earlier is what goes
    out, whole, or (when that save unscheduled it) nothing does."""
    now = now or timezone.now()
    model = revision.content_type.model_class()
    assert model is not None  # a revision's item is a model in this project
    adapter = adapter_for(model)
    with transaction.atomic():
        # The item's row, locked: publishes of the same item queue here, one at a time;
        # then the draft's, so that no save changes it between reading and applying.
        item: Any = model._default_manager.select_for_update().get(pk=revision.object_id)
        current = Revision.objects.select_for_update().get(pk=revision.pk)
        if current.status == Revision.Status.PUBLISHED:
            # Another editor (or the beat job) got there first.
            raise AppError(
                f"This draft was published already, as version {current.number}.",
                ErrorKind.ALREADY_DONE,
                extra={"version": current.number},
            )
        if current.status == Revision.Status.DISCARDED:
            raise AppError("This draft was discarded.", ErrorKind.STALE)
        if as_scheduled and not (
            current.status == Revision.Status.SCHEDULED
            and current.publish_at is not None
            and current.publish_at <= now
        ):
            raise AppError("This draft is no longer scheduled for now.", ErrorKind.STALE)
        _refuse_invalid(adapter, current.data)
        _ensure_baseline(item, adapter.snapshot(item), now)
        number = _next_number(item)
        # The claim, by conditional update: only a draft still open becomes this version.
        claimed = Revision.objects.filter(pk=revision.pk, status__in=OPEN).update(
            status=Revision.Status.PUBLISHED,
            number=number,
            published_at=now,
            published_by=by,
            updated_at=now,
        )
        assert claimed  # the row is locked and was open
        revision.data = current.data
        adapter.apply(item, current.data)
        item.version = number
        item.save(update_fields=["version"])
        # The record of who published what and when, beside the item's other publishing.
        PublicationEvent.objects.create(
            content_type=_content_type(item),
            object_id=item.pk,
            title=f"{item} (version {number})"[:200],
            action=PublicationEvent.Action.PUBLISHED,
            publish_at=now,
            by=by,
            at=now,
        )
    revision.status = Revision.Status.PUBLISHED
    revision.number = number
    revision.published_at = now
    revision.published_by = by
    return number


def draft_schedule(
    *, revision: Revision, publish_at: datetime, by: User | None, now: datetime | None = None
) -> None:
    """Publish the draft by itself at `publish_at` (the beat job does it)."""
    now = now or timezone.now()
    if publish_at <= now:
        raise AppError("Choose a time in the future, or publish now.", ErrorKind.INVALID)
    model = revision.content_type.model_class()
    assert model is not None
    _refuse_invalid(adapter_for(model), revision.data)
    changed = Revision.objects.filter(pk=revision.pk, status__in=OPEN).update(
        status=Revision.Status.SCHEDULED, publish_at=publish_at, updated_by=by, updated_at=now
    )
    if not changed:
        raise AppError("This draft was published or discarded meanwhile.", ErrorKind.STALE)
    revision.status = Revision.Status.SCHEDULED
    revision.publish_at = publish_at


def draft_discard(*, revision: Revision, by: User | None, now: datetime | None = None) -> None:
    """Throw the draft away; learners never saw it."""
    changed = Revision.objects.filter(pk=revision.pk, status__in=OPEN).update(
        status=Revision.Status.DISCARDED, updated_by=by, updated_at=now or timezone.now()
    )
    if not changed:
        raise AppError("This draft was published or discarded meanwhile.", ErrorKind.STALE)
    revision.status = Revision.Status.DISCARDED


def revision_restore(
    *, revision: Revision, by: User | None, now: datetime | None = None
) -> Revision:
    """A new draft holding a published version's data; the editor then publishes it.
    Refused while the item has a draft, whose work it would overwrite."""
    if revision.number is None:
        raise AppError("Only a published version can be restored.", ErrorKind.INVALID)
    item = revision.item
    if item is None:
        raise AppError("No such item.", ErrorKind.NOT_FOUND)
    if open_revision(item) is not None:
        raise AppError(
            "This item has a draft already: publish or discard it before restoring a version.",
            ErrorKind.STALE,
        )
    return draft_save(
        item=item,
        data=revision.data,
        by=by,
        note=f"Restored from version {revision.number}",
        now=now,
    )


def record_change(
    *,
    item: Any,
    before: dict[str, Any],
    by: User | None,
    note: str,
    now: datetime | None = None,
) -> int | None:
    """A live item was changed outside the draft flow (the content loader rewrote it):
    record its new state as the next published version, after the `before` state if the
    history has not started, so that the history stays whole. Returns the new version,
    or None when nothing a learner reads changed."""
    adapter = adapter_for(item)
    after = adapter.snapshot(item)
    if after == before:
        return None
    now = now or timezone.now()
    with transaction.atomic():
        item = type(item)._default_manager.select_for_update().get(pk=item.pk)
        _ensure_baseline(item, before, now)
        number = _next_number(item)
        revisions_of(item).create(
            content_type=_content_type(item),
            object_id=item.pk,
            status=Revision.Status.PUBLISHED,
            number=number,
            based_on=item.version,
            data=after,
            note=note,
            created_by=by,
            created_at=now,
            updated_by=by,
            updated_at=now,
            published_at=now,
            published_by=by,
        )
        item.version = number
        item.save(update_fields=["version"])
    return number


def publish_due_revisions(*, now: datetime) -> int:
    """Publish every scheduled draft whose time has come; returns how many. The time is on
    the row, so a missed run is caught up by the next, and a repeated one finds nothing."""
    due = list(
        Revision.objects.filter(status=Revision.Status.SCHEDULED, publish_at__lte=now)
        .select_related("content_type", "updated_by")
        .order_by("publish_at", "pk")
    )
    published = 0
    for revision in due:
        try:
            draft_publish(revision=revision, by=revision.updated_by, now=now, as_scheduled=True)
        except AppError as exc:
            if exc.kind is ErrorKind.INVALID:
                # The rules changed since it was scheduled: back to a draft for an editor,
                # rather than retried every minute.
                Revision.objects.filter(pk=revision.pk, status=Revision.Status.SCHEDULED).update(
                    status=Revision.Status.DRAFT, publish_at=None, updated_at=now
                )
                logger.warning("Scheduled revision %s not published: %s", revision.pk, exc)
            continue  # published or discarded by someone else meanwhile
        published += 1
    return published


def history(item: models.Model) -> list[Revision]:
    """The item's published versions, newest first."""
    return list(
        revisions_of(item)
        .filter(number__isnull=False)
        .select_related("published_by", "created_by")
        .order_by("-number")
    )


def version_data(model: type[models.Model], object_id: int, number: int) -> dict[str, Any] | None:
    """The data of one published version of an item, or None."""
    found = (
        Revision.objects.filter(
            content_type=_content_type(model), object_id=object_id, number=number
        )
        .values_list("data", flat=True)
        .first()
    )
    return found


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "added" | "removed" | "same" | "skipped" (unchanged lines left out)
    text: str

    @property
    def sign(self) -> str:
        return {"added": "+", "removed": "−"}.get(self.kind, " ")


@dataclass(frozen=True)
class FieldDiff:
    """One field changed between two versions: a line diff for long text, else old → new.
    Plain text: the template escapes it."""

    field: Field
    old: str
    new: str
    lines: list[DiffLine]  # empty unless the field is long text


def revision_diff(old: dict[str, Any], new: dict[str, Any], adapter: Versioned) -> list[FieldDiff]:
    """The fields that differ between two versions' data, in the adapter's order."""
    diffs = []
    for f in adapter.fields:
        before, after = old.get(f.key), new.get(f.key)
        if before == after:
            continue
        old_text, new_text = adapter.display(f.key, before), adapter.display(f.key, after)
        lines: list[DiffLine] = []
        if f.markdown:
            for line in difflib.ndiff(old_text.splitlines(), new_text.splitlines()):
                code, text = line[:2], line[2:]
                if code == "? ":
                    continue  # ndiff's intraline hints
                kind = {"+ ": "added", "- ": "removed"}.get(code, "same")
                lines.append(DiffLine(kind, text))
        diffs.append(FieldDiff(f, old_text, new_text, _around_changes(lines)))
    return diffs


# Unchanged lines shown on each side of a change; longer unchanged runs are left out.
DIFF_CONTEXT = 3


def _around_changes(lines: list[DiffLine]) -> list[DiffLine]:
    """The changed lines with DIFF_CONTEXT unchanged lines either side, as a unified diff
    shows them: a one-line edit to a long lesson reads as a few lines, not the lesson."""
    kept: list[DiffLine] = []
    start = 0
    while start < len(lines):
        if lines[start].kind != "same":
            kept.append(lines[start])
            start += 1
            continue
        end = start
        while end < len(lines) and lines[end].kind == "same":
            end += 1
        before = DIFF_CONTEXT if start > 0 else 0  # after a change
        after = DIFF_CONTEXT if end < len(lines) else 0  # before a change
        if end - start > before + after + 1:
            hidden = end - start - before - after
            kept.extend(lines[start : start + before])
            kept.append(DiffLine("skipped", f"… {hidden} unchanged line{'s' * (hidden != 1)} …"))
            kept.extend(lines[end - after : end])
        else:
            kept.extend(lines[start:end])
        start = end
    return kept


# Lessons ----------------------------------------------------------------------------


class LessonVersioned(Versioned):
    model = Lesson
    fields = (
        Field("title", "Title"),
        Field("summary", "Summary", markdown=True),
        Field("objectives", "Objectives", markdown=True),
        Field("key_points", "Key points", markdown=True),
        Field("sources", "Sources", markdown=True),
        Field("authors", "Authors"),
        Field("reviewed_on", "Last reviewed"),
        Field("body_md", "Body", markdown=True),
        Field("minutes", "Reading time (minutes)"),
        Field("is_free", "Free preview"),
    )

    def load(self, item: Any, data: dict[str, Any]) -> None:
        data = dict(data)
        if "reviewed_on" in data:
            data["reviewed_on"] = (
                date.fromisoformat(data["reviewed_on"]) if data["reviewed_on"] else None
            )
        super().load(item, data)
        # As `save` would: the page shows the HTML, rendered and cleaned.
        item.body_html = item.render_markdown_field("body_md")

    def validate(self, data: dict[str, Any]) -> list[str]:
        problems = []
        if not str(data.get("title") or "").strip():
            problems.append("The lesson needs a title.")
        if not str(data.get("body_md") or "").strip():
            problems.append("The lesson needs a body.")
        minutes = data.get("minutes")
        if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 1:
            problems.append("The reading time must be a whole number of minutes, 1 or more.")
        if not _list_of(data.get("objectives", []), str):
            problems.append("The objectives must be a list of lines.")
        points = data.get("key_points", [])
        if not _list_of(points, dict) or any(
            not str(p.get("front") or "").strip() or not str(p.get("back") or "").strip()
            for p in points
        ):
            problems.append("Each key point needs a front and a back.")
        sources = data.get("sources", [])
        if not _list_of(sources, str):
            problems.append("The sources must be a list of reference keys.")
        else:
            unknown = set(sources) - set(
                Reference.objects.filter(key__in=sources).values_list("key", flat=True)
            )
            if unknown:
                problems.append("Unknown sources: " + ", ".join(sorted(unknown)) + ".")
        reviewed = data.get("reviewed_on")
        if reviewed:
            try:
                date.fromisoformat(reviewed)
            except (TypeError, ValueError):
                problems.append("The review date must be a date.")
        return problems

    def preview_url(self, revision: Revision) -> str:
        lesson = Lesson.objects.select_related("course").get(pk=revision.object_id)
        return f"{lesson.get_absolute_url()}?revision={revision.pk}"


def _list_of(value: Any, kind: type) -> bool:
    return isinstance(value, list) and all(isinstance(v, kind) for v in value)


register(LessonVersioned())
