"""Quizzes from YAML files beside the lessons (see course/content/FORMAT.md, quiz.yaml).

A file is validated whole before anything is written and loads in one transaction with
its lesson's course. Questions and options are matched by slug and by their text (or
region), so loading twice changes nothing and editing an explanation updates it in place.
Something learners have already answered is never deleted by the loader.
"""

from pathlib import Path
from typing import Any

import yaml
from django.db.models import Q, QuerySet

from course.models import Course, Lesson, Module
from course.revisions import record_change
from lib.content import ORDERED, ContentError, LoadReport, Where, attempt, save_content

from .models import Choice, Question, Quiz
from .painmap import BY_KEY
from .quality import bend_problems
from .sources import NONE
from .versions import question_data, quiz_is_live

KINDS = {k.value for k in Question.Kind}
MAX_HOURS = 24 * 365  # a cool-down of up to a year


def unwrap(text: str) -> str:
    """Join hard-wrapped lines; a blank line still separates paragraphs."""
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


def parse_quiz(
    path: Path, lesson_slugs: set[str], source_keys: frozenset[str] | None = None
) -> dict:
    """A quiz file, checked whole. `source_keys` are the keys of the content's
    sources.yaml: with them, every option of a module quiz must say which source of pain
    it stands for (`source: <key>` or `source: none`); a lesson's self-check may. Without
    a sources.yaml no option may name one."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ContentError(path, f"not valid YAML ({exc})".replace("\n", " ")) from None
    beside_lesson = path.name != "quiz.yaml"
    allowed = {"title", "pass_mark", "questions"} | (
        {"lesson"} if beside_lesson else {"draw", "retake_after_hours"}
    )
    f = Where(path, data, allowed, "")
    quiz: dict[str, Any] = {
        "title": f.text("title", max_length=200),
        "pass_mark": f.positive_int("pass_mark", 80),
    }
    if quiz["pass_mark"] > 100:
        f.fail("'pass_mark' is a percentage: at most 100")
    if beside_lesson:
        quiz["lesson"] = f.text("lesson")
        if not ORDERED.match(path.name.removesuffix(".quiz.yaml")):
            f.fail("a lesson's quiz is named like its lesson: NN-name.quiz.yaml")
    questions = data.get("questions")
    if not isinstance(questions, list) or not questions:
        f.fail("'questions' must be a list of at least one question")
    quiz["questions"], seen = [], set()
    for number, raw in enumerate(questions, start=1):
        question = _parse_question(
            path, raw, number, lesson_slugs, source_keys, sources_required=not beside_lesson
        )
        if question["slug"] in seen:
            f.fail(f"question slug {question['slug']!r} is used twice")
        seen.add(question["slug"])
        quiz["questions"].append(question)
    quiz["twins"] = _twin_pairs(f, quiz["questions"], module_quiz=not beside_lesson)
    if beside_lesson:
        # A self-check shows every question and may be retaken at once.
        quiz["draw"], quiz["retake_after_hours"] = None, 0
    else:
        quiz["draw"] = f.positive_int("draw", 1) if "draw" in data else None
        if quiz["draw"] is not None and quiz["draw"] > len(quiz["questions"]):
            f.fail(f"'draw' is more than the {len(quiz['questions'])} questions of the quiz")
        hours = data.get("retake_after_hours", 24)
        if not isinstance(hours, int) or isinstance(hours, bool) or not 0 <= hours <= MAX_HOURS:
            f.fail(f"'retake_after_hours' must be a whole number from 0 to {MAX_HOURS}")
        quiz["retake_after_hours"] = hours
    return quiz


def _twin_pairs(
    f: Where, questions: list[dict[str, Any]], *, module_quiz: bool
) -> set[tuple[str, str]]:
    """The twin relation as pairs of slugs, both ways round (written on one side or
    both). In a module quiz every question needs a twin: the draw takes one per group."""
    slugs = {q["slug"] for q in questions}
    pairs: set[tuple[str, str]] = set()
    for q in questions:
        for twin in q["twins"]:
            if twin == q["slug"]:
                f.fail(f"question {twin}: 'twins' names the question itself")
            if twin not in slugs:
                f.fail(f"question {q['slug']}: twin {twin!r} is not a question of this quiz")
            pairs |= {(q["slug"], twin), (twin, q["slug"])}
    if module_quiz:
        paired = {a for a, _ in pairs}
        for q in questions:
            if q["slug"] not in paired:
                f.fail(
                    f"question {q['slug']}: a module quiz's question needs a near-miss twin "
                    "under 'twins' (a case that differs by one finding)"
                )
    return pairs


def _parse_question(
    path: Path,
    raw: Any,
    number: int,
    lesson_slugs: set[str],
    source_keys: frozenset[str] | None,
    *,
    sources_required: bool,
) -> dict[str, Any]:
    slug = raw.get("slug", f"#{number}") if isinstance(raw, dict) else f"#{number}"
    q = Where(
        path,
        raw,
        {"slug", "formerly", "kind", "case", "prompt", "lesson", "bends", "options", "twins"},
        f"question {slug}: ",
    )
    if problems := bend_problems(raw):
        q.fail(problems[0])
    question: dict[str, Any] = {
        "slug": q.slug(),
        "formerly": q.slugs("formerly"),
        "twins": q.slugs("twins"),
        "kind": q.choice("kind", KINDS),
        "vignette": unwrap(q.text("case", required=False)),
        "prompt": q.text("prompt", max_length=300),
        "lesson": q.text("lesson"),
    }
    if question["lesson"] not in lesson_slugs:
        q.fail(f"'lesson' {question['lesson']!r} is not a lesson of this course")
    options = raw.get("options")
    if not isinstance(options, list) or len(options) < 2:
        q.fail("'options' must be a list of at least two options")
    pain_map = question["kind"] == Question.Kind.PAIN_MAP
    parsed: list[dict[str, Any]] = []
    keys: set[str] = set()
    for i, option in enumerate(options, start=1):
        o = Where(
            path,
            option,
            {
                "region" if pain_map else "text",
                "formerly",
                "correct",
                "explanation",
                "retired",
                "source",
            },
            f"question {slug}, option {i}: ",
        )
        if pain_map:
            key = o.choice("region", set(BY_KEY))
            value: dict[str, Any] = {"region": key, "text": ""}
        else:
            key = o.text("text", max_length=300)
            value = {"text": key, "region": ""}
        if key in keys:
            o.fail(f"{key!r} is listed twice")
        keys.add(key)
        value |= {
            "is_correct": o.boolean("correct", False),
            "explanation": o.text("explanation"),
            "retired": o.boolean("retired", False),
            "formerly": [] if pain_map else o.text_list("formerly"),
            "order": i,
            "source": _source(o, key, source_keys, required=sources_required),
        }
        parsed.append(value)
    if problems := option_problems(question["kind"], parsed):
        q.fail(problems[0])
    question["options"] = parsed
    return question


def option_problems(kind: str, options: list[dict[str, Any]]) -> list[str]:
    """What is wrong with a question's options as a whole (each a dict with `text`,
    `region`, `is_correct` and `retired`): the rules a quiz file and an editor's draft
    are both held to."""
    problems = []
    offered = [o for o in options if not o.get("retired")]
    if len(offered) < 2:
        problems.append("at least two options must still be offered (not retired)")
    # A retired option keeps the correctness its choosers were shown; only the options
    # still offered are held to the rules.
    correct = sum(bool(o.get("is_correct")) for o in offered)
    if kind == Question.Kind.SINGLE and correct != 1:
        problems.append(f"a single-answer question needs exactly one correct option, not {correct}")
    if correct == 0:
        problems.append("no option is marked correct")
    if offered and correct == len(offered):
        problems.append("every option is marked correct; nothing would be tested")
    missing = set(BY_KEY) - {o.get("region") for o in options}
    if kind == Question.Kind.PAIN_MAP and missing:
        problems.append(
            f"a pain-map question lists all six regions; missing {', '.join(sorted(missing))}"
        )
    return problems


def _source(o: Where, option: str, source_keys: frozenset[str] | None, *, required: bool) -> str:
    """The option's `source:` as stored on the choice: a key of sources.yaml, or "" for
    'none' (and for an option of a self-check that does not say)."""
    value = o.meta.get("source")
    if value is None:
        if required and source_keys is not None:
            o.fail(
                f"{option!r} has no 'source': say which source of pain it stands for "
                f"(a key of sources.yaml) or 'source: none'"
            )
        return ""
    if not isinstance(value, str) or not value.strip():
        o.fail("'source' must be a key of sources.yaml or 'none'")
    value = value.strip()
    if source_keys is None:
        o.fail("'source' needs a sources.yaml in the content folder to name its keys")
    if value != NONE and value not in source_keys:
        o.fail(f"'source' {value!r} of {option!r} is not a key of sources.yaml (nor 'none')")
    return "" if value == NONE else value


def load_quizzes(root: Path, report: LoadReport, loaded: dict[str, Any]) -> None:
    """The quizzes app's loader, after the course loader: each module folder's quiz files.
    Quizzes come after the lessons because their questions link to lessons anywhere in the
    course."""
    for entry in loaded.get("courses", []):
        for module, module_dir in entry.modules:
            for quiz_path in sorted(module_dir.glob("*.yaml")):
                if loaded.get("sources_error"):
                    # Its tags cannot be checked; the error in sources.yaml is reported.
                    report.errors.append(
                        ContentError(quiz_path, "not loaded: sources.yaml has errors")
                    )
                    continue
                attempt(
                    report,
                    load_quiz,
                    entry.course,
                    module,
                    quiz_path,
                    report,
                    loaded.get("source_keys"),
                )


def load_quiz(
    course: Course,
    module: Module,
    path: Path,
    report: LoadReport,
    source_keys: frozenset[str] | None = None,
) -> Quiz:
    lessons = {lesson.slug: lesson for lesson in Lesson.objects.filter(course=course)}
    data = parse_quiz(path, set(lessons), source_keys)
    lesson = None
    if "lesson" in data:
        lesson = lessons.get(data["lesson"])
        if lesson is None or lesson.module_id != module.pk:
            raise ContentError(path, f"'lesson' {data['lesson']!r} is not a lesson of this module")
    slug = f"{lesson.slug}-check" if lesson else f"{module.slug}-quiz"
    quiz = save_content(
        Quiz,
        {"course": course, "slug": slug},
        {
            "title": data["title"],
            "pass_mark": data["pass_mark"],
            "draw": data["draw"],
            "retake_after_hours": data["retake_after_hours"],
            "module": module,
            "lesson": lesson,
            "order": lesson.order if lesson else 1000,
        },
        f"quiz {course.slug}/{slug}",
        report,
    )
    kept = []
    by_slug: dict[str, Question] = {}
    # A live question the load rewrites gets a new version in its history, like an
    # editor's published draft (quizzes.revisions): what each was before, to compare.
    before = (
        {q.pk: question_data(q) for q in quiz.questions.prefetch_related("choices")}
        if quiz_is_live(quiz)
        else {}
    )
    for order, q in enumerate(data["questions"], start=1):
        question = save_content(
            Question,
            {"quiz": quiz, "slug": q["slug"]},
            {
                "kind": q["kind"],
                "vignette": q["vignette"],
                "prompt": q["prompt"],
                "lesson": lessons[q["lesson"]],
                "order": order,
            },
            f"question {slug}/{q['slug']}",
            report,
            formerly=Q(quiz=quiz, slug__in=q["formerly"]) if q["formerly"] else None,
        )
        kept.append(question.pk)
        by_slug[q["slug"]] = question
        _save_choices(path, question, q["options"], report)
        if question.pk in before:
            record_change(
                item=question,
                before=before[question.pk],
                by=None,
                note="Loaded from the content folder",
            )
    _remove_unused(path, quiz.questions.exclude(pk__in=kept), "question")
    _save_twins(quiz, by_slug, data["twins"], report)
    return quiz


def _save_twins(
    quiz: Quiz, by_slug: dict[str, Question], pairs: set[tuple[str, str]], report: LoadReport
) -> None:
    """Make the quiz's twin rows exactly the file's pairs (both ways round, as Django
    keeps a symmetrical relation), writing only the difference: loading twice changes
    nothing, and a renamed question keeps its twins because they hang on its row."""
    through = Question.twins.through
    wanted = {(by_slug[a].pk, by_slug[b].pk) for a, b in pairs}
    rows = through.objects.filter(from_question__quiz=quiz)
    have = set(rows.values_list("from_question_id", "to_question_id"))
    if wanted == have:
        return
    if stale := have - wanted:
        gone = Q()
        for a, b in stale:
            gone |= Q(from_question_id=a, to_question_id=b)
        rows.filter(gone).delete()
    through.objects.bulk_create(
        through(from_question_id=a, to_question_id=b) for a, b in wanted - have
    )
    report.updated.append(f"quiz {quiz.course.slug}/{quiz.slug} (twins)")


def _save_choices(
    path: Path, question: Question, options: list[dict[str, Any]], report: LoadReport
) -> None:
    kept = []
    for option in options:
        lookup = {"question": question, "text": option["text"], "region": option["region"]}
        values = {k: option[k] for k in ("is_correct", "explanation", "order", "retired", "source")}
        # A reworded option is found by its earlier wording and renamed, so the answers
        # that chose it (and the item statistics built on them) stay with it.
        formerly = option["formerly"]
        choice = save_content(
            Choice,
            lookup,
            values,
            f"option {question.slug}/{option['text'] or option['region']}",
            report,
            formerly=Q(question=question, text__in=formerly) if formerly else None,
        )
        kept.append(choice.pk)
    _remove_unused(path, question.choices.exclude(pk__in=kept), "option")


def _remove_unused(path: Path, queryset: QuerySet[Any], what: str) -> None:
    answered = queryset.filter(answers__isnull=False).distinct()
    if answered.exists():
        names = ", ".join(str(x) for x in answered[:3])
        raise ContentError(
            path,
            f"{what} {names!r} is gone from the file but learners have "
            "answered it; keep it, or retire it in the admin",
        )
    queryset.delete()
