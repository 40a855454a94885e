"""The lesson form's widgets: lists edited as rows of fields, and the body's editor with
its preview and its figures. Each renders with the project's templates
(templates/admin/widgets/) and works without JavaScript; static/js/lesson-editor.js only
adds to it."""

import json
from collections.abc import Mapping
from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.utils.datastructures import MultiValueDict
from django.utils.safestring import SafeString, mark_safe

# Empty rows offered below a list's own, so that an editor can add without JavaScript.
SPARE_ROWS = 3
# No form has more rows than this: a bound on what a crafted POST makes us read.
MAX_ROWS = 200

EDITOR_MEDIA = forms.Media(css={"all": ["css/admin.css"]}, js=["js/lesson-editor.js"])


def legacy_json_list(data: Mapping[str, Any], name: str) -> list | None:
    """The value posted as a JSON list under the field's own name, as the form took it
    before these widgets (scripts and tests may still post so); None when it was not."""
    raw = data.get(name)
    if not isinstance(raw, str) or not raw.lstrip().startswith("["):
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, list) else None


class ProjectTemplateWidget(forms.Widget):
    """Rendered with the project's template engine, where the admin's own templates live
    too (the form renderer sees only Django's)."""

    def render(
        self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None
    ) -> SafeString:
        context = self.get_context(name, value, attrs)
        return mark_safe(render_to_string(self.template_name, context))  # noqa: S308  (a template's output)


class LineListWidget(ProjectTemplateWidget, forms.Textarea):
    """A list of short texts as a textarea, one per line."""

    template_name = "admin/widgets/line_list.html"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs={"rows": 5, "class": "vLargeTextField", **(attrs or {})})

    def format_value(self, value: Any) -> str:
        if isinstance(value, list):
            return "\n".join(str(line) for line in value)
        return "" if value is None else str(value)

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> Any:
        legacy = legacy_json_list(data, name)
        return legacy if legacy is not None else data.get(name)


class PairListWidget(ProjectTemplateWidget):
    """A list of {front, back} pairs as rows of two text boxes, named
    `<name>-<n>-front` and `<name>-<n>-back`, with spare empty rows."""

    template_name = "admin/widgets/pair_list.html"

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        pairs = [p for p in value if isinstance(p, dict)] if isinstance(value, list) else []
        rows = [{"front": p.get("front", ""), "back": p.get("back", "")} for p in pairs] + [
            {"front": "", "back": ""}
        ] * SPARE_ROWS
        context["widget"]["rows"] = [
            {**row, "number": n + 1, "prefix": f"{name}-{n}"} for n, row in enumerate(rows)
        ]
        return context

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> Any:
        legacy = legacy_json_list(data, name)
        if legacy is not None:
            return legacy
        pairs: list[dict[str, str]] = []
        for n in range(MAX_ROWS):
            front, back = data.get(f"{name}-{n}-front"), data.get(f"{name}-{n}-back")
            if front is None and back is None:
                break
            pairs.append({"front": str(front or ""), "back": str(back or "")})
        return pairs

    def value_omitted_from_data(self, data: Mapping[str, Any], files: Any, name: str) -> bool:
        return name not in data and f"{name}-0-front" not in data

    def id_for_label(self, id_: str) -> str:
        return f"{id_}-0-front" if id_ else id_


class ReferenceChecklist(forms.CheckboxSelectMultiple):
    """The references as checkboxes, in a box that scrolls when there are many."""

    def __init__(self) -> None:
        super().__init__(attrs={"class": "reference-checklist"})

    def value_from_datadict(
        self, data: Mapping[str, Any] | MultiValueDict, files: Any, name: str
    ) -> Any:
        legacy = legacy_json_list(data, name)
        if legacy is not None:
            return legacy
        return super().value_from_datadict(data, files, name)


class MarkdownEditor(ProjectTemplateWidget, forms.Textarea):
    """A Markdown textarea with, beside it, the lesson's diagrams (each with an Insert
    button, and the line to type without JavaScript) and a preview pane the script fills
    from `preview_url`; without the script a button posts the form there instead."""

    template_name = "admin/widgets/markdown_editor.html"

    def __init__(
        self, *, preview_url: str, figures: list[dict] | None = None, lesson_pk: int | None = None
    ) -> None:
        super().__init__(attrs={"rows": 24, "class": "markdown-source"})
        self.preview_url = preview_url
        self.figures = figures or []
        self.lesson_pk = lesson_pk

    @property
    def media(self) -> forms.Media:
        return EDITOR_MEDIA

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            preview_url=self.preview_url,
            lesson_pk=self.lesson_pk,
            figures=[
                {
                    "name": f["name"],
                    "caption": f.get("caption", ""),
                    # Checked against the content format's SVG subset when it was loaded
                    # (course.figures), as the lesson page shows it.
                    "svg": mark_safe(f.get("svg", "")),  # noqa: S308
                    "line": f"[figure: {f['name']}]",
                }
                for f in self.figures
            ],
        )
        return context
