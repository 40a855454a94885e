"""The editors' side of revisions, for any ModelAdmin whose model is registered in
`course.revisions`: saving a live item writes its draft, the change form shows the draft
with a panel (preview, publish, schedule, discard), and a history page shows each version
with a diff against the one before, and restores one.

A subclass whose form has inlines overrides `draft_data` (read the inline rows too) and
`draft_formset_kwargs` (show the draft's rows in the inline); `show_draft` puts the
draft's values on the item for the change form."""

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms import BaseFormSet, ModelForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import User
from lib.errors import AppError

from . import revisions
from .models import Revision

_SHOW_DRAFT = "_revisions_show_draft"
_DRAFT_SAVED = "_revisions_draft_saved"


class ScheduleForm(forms.Form):
    # Read in the editor's own time zone (accounts' middleware activates it).
    publish_at = forms.DateTimeField(
        label="Publish at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )  # the label names the editor's time zone


class RevisionAdminMixin(admin.ModelAdmin):
    """Put before the ModelAdmin in the bases: `class LessonAdmin(RevisionAdminMixin, …)`."""

    change_form_template = "admin/course/revision_change_form.html"

    # Hooks ---------------------------------------------------------------------------

    def draft_data(
        self, request: HttpRequest, form: ModelForm, formsets: list[BaseFormSet]
    ) -> dict[str, Any]:
        """The draft's data from a valid change form: each versioned field the form has,
        from its cleaned data; the others as they are in the open draft or on the row."""
        adapter = revisions.adapter_for(self.model)
        item = self.model._default_manager.get(pk=form.instance.pk)
        current = open_draft.data if (open_draft := revisions.open_revision(item)) else {}
        data = {**adapter.snapshot(item), **current}
        for f in adapter.fields:
            if f.key in form.cleaned_data:
                data[f.key] = _jsonable(form.cleaned_data[f.key])
        return data

    def show_draft(self, request: HttpRequest, obj: Any, revision: Revision) -> None:
        """Put the draft's values on the item, in memory, for the change form to show."""
        revisions.adapter_for(obj).load(obj, revision.data)

    def draft_formset_kwargs(
        self, request: HttpRequest, obj: Any, inline: Any, prefix: str, revision: Revision
    ) -> dict[str, Any]:
        """Extra keyword arguments for an inline's formset, to show the draft's rows."""
        return {}

    # The change form -----------------------------------------------------------------

    def _is_live(self, obj: Any) -> bool:
        return revisions.adapter_for(obj).is_live(obj)

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and getattr(request, _SHOW_DRAFT, False) and self._is_live(obj):
            revision = revisions.open_revision(obj)
            if revision is not None:
                self.show_draft(request, obj, revision)
                obj._open_revision = revision
        return obj

    def get_formset_kwargs(
        self, request: HttpRequest, obj: Any, inline: Any, prefix: str
    ) -> dict[str, Any]:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        revision = getattr(obj, "_open_revision", None)
        if revision is not None and request.method != "POST":
            kwargs.update(self.draft_formset_kwargs(request, obj, inline, prefix, revision))
        return kwargs

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if object_id is not None:
            setattr(request, _SHOW_DRAFT, True)
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                extra_context = {**(extra_context or {}), **self._panel_context(request, obj)}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _panel_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        adapter = revisions.adapter_for(obj)
        revision: Revision | None = getattr(obj, "_open_revision", None)
        live = adapter.is_live(obj)
        return {
            "revisions_live": live,
            "revisions_version": obj.version,
            "revisions_draft": revision,
            "revisions_preview_url": adapter.preview_url(revision) if revision else None,
            "revisions_schedule_form": ScheduleForm(
                initial={"publish_at": timezone.localtime() + timedelta(hours=1)}
            ),
            "revisions_urls": {
                name: self._url(name, obj.pk)
                for name in ("publish", "schedule", "discard", "versions")
            },
        }

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        row = self.model._default_manager.get(pk=obj.pk) if change else None
        if row is None or not self._is_live(row):
            super().save_model(request, obj, form, change)
            return
        # Learners can see this item: its versioned fields go to the draft (in
        # save_related, which has the inline formsets too); the row keeps the values
        # learners see, and only the other fields (publishing, order…) are saved on it.
        setattr(request, _DRAFT_SAVED, True)
        adapter = revisions.adapter_for(row)
        adapter.load(obj, adapter.snapshot(row))
        super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list[BaseFormSet], change: bool
    ) -> None:
        if not getattr(request, _DRAFT_SAVED, False):
            super().save_related(request, form, formsets, change)
            return
        form.save_m2m()  # relations outside the versioned data are saved as before
        for formset in formsets:
            # The inline rows go to the draft, not the database: say so to the admin's
            # change message (construct_change_message), which reads these.
            for saved in ("new_objects", "changed_objects", "deleted_objects"):
                setattr(formset, saved, [])
        assert isinstance(request.user, User)  # the admin lets in only signed-in staff
        item = self.model._default_manager.get(pk=form.instance.pk)
        adapter = revisions.adapter_for(item)
        data = _unix_lines(self.draft_data(request, form, formsets))
        revision = revisions.open_revision(item)
        # A form without the note (the list's order boxes) keeps the draft's note.
        posted_note = request.POST.get("revision_note")
        note = (revision.note if revision and posted_note is None else posted_note or "").strip()
        note = note[:200]
        if revision is None and data == adapter.snapshot(item):
            # Nothing learners read has changed (a change of order, say): no draft.
            setattr(request, _DRAFT_SAVED, False)
            return
        if revision is not None and data == revision.data and note == revision.note:
            return  # the draft as it was
        draft = revisions.draft_save(item=item, data=data, by=request.user, note=note)
        if revision is not None and revision.status == Revision.Status.SCHEDULED:
            # Only what was scheduled may go out at the scheduled time: a changed draft
            # waits to be scheduled again, and the editor is told so.
            messages.warning(
                request,
                "The draft had been scheduled; it was changed, so it is no longer "
                "scheduled. Schedule it again (or publish it) when it is ready.",
            )
        problems = adapter.validate(draft.data)
        if problems:
            messages.warning(request, "This draft cannot be published yet: " + " ".join(problems))

    def response_change(self, request: HttpRequest, obj: Any) -> HttpResponse:
        if not getattr(request, _DRAFT_SAVED, False):
            return super().response_change(request, obj)
        self.message_user(
            request,
            f"Draft saved. Learners still see version {obj.version}.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._url("change", obj.pk))

    # The panel's actions and the history ------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/draft/publish/",
                wrap(self.publish_view),
                name=f"{prefix}_draft_publish",
            ),
            path(
                "<path:object_id>/draft/schedule/",
                wrap(self.schedule_view),
                name=f"{prefix}_draft_schedule",
            ),
            path(
                "<path:object_id>/draft/discard/",
                wrap(self.discard_view),
                name=f"{prefix}_draft_discard",
            ),
            path(
                "<path:object_id>/versions/",
                wrap(self.versions_view),
                name=f"{prefix}_draft_versions",
            ),
            path(
                "<path:object_id>/versions/<int:number>/restore/",
                wrap(self.restore_view),
                name=f"{prefix}_draft_restore",
            ),
            *super().get_urls(),
        ]

    def _url(self, name: str, pk: Any, *args: Any) -> str:
        view = name if name == "change" else f"draft_{name}"
        return reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{view}",
            args=[pk, *args],
        )

    def _item_for_change(self, request: HttpRequest, object_id: str) -> models.Model:
        obj = super().get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such item.")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def _open_or_message(self, request: HttpRequest, obj: models.Model) -> Revision | None:
        revision = revisions.open_revision(obj)
        if revision is None:
            self.message_user(
                request, "There is no draft: it was published or discarded.", messages.WARNING
            )
        return revision

    def publish_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return require_POST(self._publish)(request, object_id)

    def _publish(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self._item_for_change(request, object_id)
        revision = self._open_or_message(request, obj)
        if revision is not None:
            assert isinstance(request.user, User)
            try:
                number = revisions.draft_publish(revision=revision, by=request.user)
            except AppError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(
                    request, f"Published: learners now see version {number}.", messages.SUCCESS
                )
        return redirect(self._url("change", obj.pk))

    def schedule_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return require_POST(self._schedule)(request, object_id)

    def _schedule(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self._item_for_change(request, object_id)
        form = ScheduleForm(request.POST)
        if not form.is_valid():
            self.message_user(
                request, "Choose the date and time to publish the draft.", messages.ERROR
            )
            return redirect(self._url("change", obj.pk))
        revision = self._open_or_message(request, obj)
        if revision is not None:
            assert isinstance(request.user, User)
            publish_at: datetime = form.cleaned_data["publish_at"]
            try:
                revisions.draft_schedule(revision=revision, publish_at=publish_at, by=request.user)
            except AppError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"Scheduled: the draft will be published at "
                    f"{timezone.localtime(publish_at):%d %b %Y %H:%M} "
                    f"({timezone.get_current_timezone_name()}).",
                    messages.SUCCESS,
                )
        return redirect(self._url("change", obj.pk))

    def discard_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return require_POST(self._discard)(request, object_id)

    def _discard(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self._item_for_change(request, object_id)
        revision = self._open_or_message(request, obj)
        if revision is not None:
            assert isinstance(request.user, User)
            try:
                revisions.draft_discard(revision=revision, by=request.user)
            except AppError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"Draft discarded. Learners still see version {getattr(obj, 'version', 1)}.",
                    messages.SUCCESS,
                )
        return redirect(self._url("change", obj.pk))

    def restore_view(self, request: HttpRequest, object_id: str, number: int) -> HttpResponse:
        return require_POST(self._restore)(request, object_id, number)

    def _restore(self, request: HttpRequest, object_id: str, number: int) -> HttpResponse:
        obj = self._item_for_change(request, object_id)
        version = next((r for r in revisions.history(obj) if r.number == number), None)
        if version is None:
            raise Http404("No such version.")
        assert isinstance(request.user, User)
        try:
            revisions.revision_restore(revision=version, by=request.user)
        except AppError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return redirect(self._url("versions", obj.pk))
        self.message_user(
            request,
            f"Version {number} is now the draft: preview it, then publish it.",
            messages.SUCCESS,
        )
        return redirect(self._url("change", obj.pk))

    def versions_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self._item_for_change(request, object_id)
        adapter = revisions.adapter_for(obj)
        versions = revisions.history(obj)
        rows = []
        for newer, older in zip(versions, [*versions[1:], None], strict=True):
            rows.append(
                {
                    "revision": newer,
                    "diff": revisions.revision_diff(older.data, newer.data, adapter)
                    if older is not None
                    else None,
                    "live": newer.number == getattr(obj, "version", None),
                }
            )
        draft = revisions.open_revision(obj)
        live_data = adapter.snapshot(obj)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"Versions of “{obj}”",
            "rows": rows,
            "draft": draft,
            "draft_diff": revisions.revision_diff(live_data, draft.data, adapter) if draft else [],
            "change_url": self._url("change", obj.pk),
            "restore_urls": {r.number: self._url("restore", obj.pk, r.number) for r in versions},
        }
        return TemplateResponse(request, "admin/course/revision_history.html", context)


def _jsonable(value: Any) -> Any:
    """A cleaned form value as the revision's JSON holds it: dates as ISO text, a chosen
    row as its id."""
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _unix_lines(value: Any) -> Any:
    """The draft's data with the CRLF line ends browsers send for every text area made
    LF, as the content files and the rows have them: otherwise an unchanged text would
    read as a change of every line, and saving an untouched form would make a draft."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    if isinstance(value, list):
        return [_unix_lines(v) for v in value]
    if isinstance(value, dict):
        return {k: _unix_lines(v) for k, v in value.items()}
    return value
