"""Revisions of quiz questions (course.revisions): a question's data is its words and
all its options (quizzes.versions), and publishing a draft writes them all at once.

Options are never deleted by a revision: learners' answers point at them. An option the
draft no longer lists is retired (no longer offered or scored, still shown to those who
chose it), and a draft's new option (no id) becomes a new row."""

from typing import Any

from django.urls import reverse

from course.models import Lesson, Revision
from course.revisions import Field, Versioned

from .content import KINDS, option_problems
from .models import Choice, Question
from .painmap import BY_KEY
from .versions import CHOICE_FIELDS, QUESTION_FIELDS, question_data, quiz_is_live

PROMPT_MAX = Question._meta.get_field("prompt").max_length or 300
TEXT_MAX = Choice._meta.get_field("text").max_length or 300
SOURCE_MAX = Choice._meta.get_field("source").max_length or 40


class QuestionVersioned(Versioned):
    model = Question
    fields = (
        Field("vignette", "Case vignette", markdown=True),
        Field("prompt", "Prompt"),
        Field("kind", "Kind"),
        Field("lesson", "Lesson that teaches it"),
        Field("choices", "Options", markdown=True),
    )

    def snapshot(self, item: Any) -> dict[str, Any]:
        return question_data(item)

    def load(self, item: Any, data: dict[str, Any]) -> None:
        """The question's own fields; its options are rows of their own (`apply`)."""
        for name in QUESTION_FIELDS:
            if name in data:
                setattr(item, name, data[name])
        if "lesson" in data:
            item.lesson_id = data["lesson"]

    def apply(self, item: Any, data: dict[str, Any]) -> None:
        self.load(item, data)
        item.save(update_fields=[*QUESTION_FIELDS, "lesson"])
        rows = {c.pk: c for c in Choice.objects.filter(question=item).select_for_update()}
        kept = set()
        for option in data["choices"]:
            values = {name: option[name] for name in CHOICE_FIELDS if name in option}
            # An option of an old version that is no longer the question's (one nobody
            # had answered, which the content loader deleted) comes back as a new row;
            # an id never names another question's option.
            choice = rows.get(option.get("id"))
            if choice is None:
                kept.add(Choice.objects.create(question=item, **values).pk)
                continue
            kept.add(choice.pk)
            for name, value in values.items():
                setattr(choice, name, value)
            choice.save(update_fields=list(values))
        # Retired, never deleted: learners' answers point at them.
        Choice.objects.filter(question=item, retired=False).exclude(pk__in=kept).update(
            retired=True
        )

    def validate(self, data: dict[str, Any]) -> list[str]:
        problems = []
        kind = str(data.get("kind", ""))
        if kind not in KINDS:
            problems.append("Choose the kind of question.")
        prompt = data.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            problems.append("The question needs a prompt.")
        elif len(prompt) > PROMPT_MAX:
            problems.append(f"The prompt is longer than {PROMPT_MAX} characters.")
        if not isinstance(data.get("vignette", ""), str):
            problems.append("The case vignette must be text.")
        lesson = data.get("lesson")
        if lesson is not None and not Lesson.objects.filter(pk=lesson).exists():
            problems.append("The lesson that teaches it no longer exists.")
        options = data.get("choices")
        if not isinstance(options, list) or not all(isinstance(o, dict) for o in options):
            return [*problems, "The options must be a list."]
        problems += _each_option(options, pain_map=kind == Question.Kind.PAIN_MAP)
        if not problems:
            problems += [p[0].upper() + p[1:] + "." for p in option_problems(kind, options)]
        return problems

    def is_live(self, item: Any) -> bool:
        return quiz_is_live(item.quiz)

    def preview_url(self, revision: Revision) -> str:
        url = reverse("quizzes:question_preview", args=[revision.object_id])
        return f"{url}?revision={revision.pk}"

    def display(self, key: str, value: Any) -> str:
        if key == "choices" and isinstance(value, list):
            return "\n".join(_option_line(o) for o in value if isinstance(o, dict))
        if key == "lesson" and value is not None:
            title = Lesson.objects.filter(pk=value).values_list("title", flat=True).first()
            return title or f"lesson {value} (deleted)"
        if key == "kind":
            return str(Question.Kind(value).label) if value in KINDS else str(value)
        return super().display(key, value)


def _each_option(options: list[dict[str, Any]], *, pain_map: bool) -> list[str]:
    """Each option on its own: its words (or region), its explanation, no option twice."""
    problems = []
    ids = [o.get("id") for o in options if o.get("id") is not None]
    if len(ids) != len(set(ids)):
        problems.append("An option is listed twice.")
    seen = set()
    for number, option in enumerate(options, start=1):
        name = f"Option {number}"
        if pain_map:
            key = option.get("region")
            if key not in BY_KEY:
                problems.append(f"{name}: choose a region of the pain map.")
        else:
            key = option.get("text")
            if not isinstance(key, str) or not key.strip():
                problems.append(f"{name} needs its words.")
            elif len(key) > TEXT_MAX:
                problems.append(f"{name} is longer than {TEXT_MAX} characters.")
        if key in seen and not option.get("retired"):
            problems.append(f"{name}: {key!r} is listed twice.")
        seen.add(key)
        explanation = option.get("explanation")
        if not isinstance(explanation, str) or not explanation.strip():
            problems.append(f"{name} needs an explanation: why it is right, or why not.")
        if not isinstance(option.get("is_correct"), bool):
            problems.append(f"{name}: say whether it is correct.")
        if len(str(option.get("source") or "")) > SOURCE_MAX:
            problems.append(f"{name}: the source of pain is too long.")
    return problems


def _option_line(option: dict[str, Any]) -> str:
    label = option.get("text") or (
        region.name if (region := BY_KEY.get(option.get("region", ""))) else ""
    )
    marks = "✓ " if option.get("is_correct") else "✗ "
    retired = " (retired)" if option.get("retired") else ""
    return f"{marks}{label}{retired}: {option.get('explanation', '')}"
