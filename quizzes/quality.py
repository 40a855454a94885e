"""The mechanical part of the item-writing standard (course/content/FORMAT.md).

It reads a quiz as written in its YAML file, so it needs no database: the content test
runs it on every shipped quiz, and an author can run it on a file while writing:

    python -m quizzes.quality course/content/clinician/02-presentations/quiz.yaml

It catches the cues a test-wise learner uses without knowing the subject: a key much
longer than the distractors, absolute words only in the distractors, a stem that names
the keyed source or the keyed region's landmark, an option that names two sources. The
rest of the standard (one defensible answer, plausible distractors, safety) is a
clinical reviewer's work.
"""

import re
import sys
from pathlib import Path

import yaml

# Which source of buttock pain a text names, by case-folded keywords, so that wording can
# vary ("Lumbar radicular pain (S1 root)", "Sciatic nerve irritation in the ischial
# tunnel"). Each source appears once; an option naming two is two sources in one option.
SOURCE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "SCN": ("superior cluneal",),
    "MCN": ("middle cluneal",),
    "ICN": ("inferior cluneal",),
    "PFCN": ("posterior femoral cutaneous",),
    "SGN": ("superior gluteal nerve",),
    "IGN": ("inferior gluteal nerve",),
    "deep gluteal": ("deep gluteal", "piriformis"),
    "ischial tunnel": ("ischial tunnel",),
    "SI joint": ("sacroiliac joint",),
    "facet": ("facet joint",),
    "lumbar radicular": ("radicular",),
    "trochanteric": ("trochanter", "gluteal tendinopathy", "gluteal tendon"),
    "hamstring tendinopathy": ("hamstring tendinopathy",),
    "hamstring muscle": ("hamstring strain", "hamstring muscle strain", "hamstring tear"),
    "gluteal muscle": ("gluteus maximus strain", "gluteal muscle strain", "gluteus maximus tear"),
    "abductor tear": ("abductor tendon tear", "gluteus medius tear", "gluteus medius tendon tear"),
    "pudendal": ("pudendal",),
    "ischiofemoral": ("ischiofemoral",),
    "hip joint": ("hip joint", "hip osteoarthritis", "femoroacetabular"),
    "coccydynia": ("coccydynia", "coccyx"),
    "sacral fracture": ("sacral insufficiency fracture", "sacral fracture"),
    "vascular": ("claudication", "iliac artery"),
    "cauda equina": ("cauda equina",),
    "spinal infection": ("discitis", "spinal infection", "epidural abscess"),
    "malignancy": ("metasta", "malignan", "tumour"),
    "myofascial": ("myofascial",),
}

# The words that give a pain-map item's answer away: each region's landmark.
REGION_LANDMARKS: dict[str, tuple[str, ...]] = {
    "upper-buttock": (r"iliac crest", r"\bcrest\b", r"belt[ -]line", r"waistband", r"rim of"),
    "sacroiliac": (r"sacroiliac", r"\bpsis\b", r"posterior superior iliac spine", r"dimple"),
    "sitting-bone": (r"sitting bone", r"sit bone", r"ischial tuberosity", r"\bischium\b"),
    "back-of-thigh": (r"back of (the|her|his|your|my|their) thighs?", r"posterior thigh"),
    "deep-mid-buttock": (r"deep in (the|her|his|your|my) buttock", r"mid-buttock", r"piriformis"),
    "side-of-hip": (r"side of (the|her|his|your|my) hip", r"outer hip", r"trochanter"),
}

ABSOLUTE_WORDS = ("always", "never", "proves", "prove", "only", "must", "reliably")
RULES = {"length", "absolute", "stem", "two-sources"}


def sources_named(text: str) -> set[str]:
    text = text.casefold()
    return {s for s, words in SOURCE_KEYWORDS.items() if any(w in text for w in words)}


def _absolute_words(text: str) -> set[str]:
    return {w for w in ABSOLUTE_WORDS if re.search(rf"\b{w}\b", text, re.IGNORECASE)}


def item_problems(question: dict) -> list[str]:
    """What in one question (a dict as written in quiz.yaml) breaks the standard's
    mechanical rules, less the rules it says it bends and why."""
    problems: list[tuple[str, str]] = []
    options = [o for o in question.get("options") or [] if not o.get("retired")]
    stem = f"{question.get('case') or ''} {question.get('prompt') or ''}".casefold()
    keyed = [o for o in options if o.get("correct")]
    if question.get("kind") == "pain_map":
        for option in keyed:
            for pattern in REGION_LANDMARKS.get(option.get("region"), ()):
                if re.search(pattern, stem):
                    problems.append(
                        ("stem", f"the stem names the keyed region {option['region']!r}")
                    )
                    break
    else:
        distractors = [str(o.get("text", "")) for o in options if not o.get("correct")]
        keys = [str(o.get("text", "")) for o in keyed]
        longest = max((len(d) for d in distractors), default=0)
        for key in keys:
            if distractors and len(key) > 1.5 * longest and len(key) - longest >= 25:
                problems.append(
                    (
                        "length",
                        f"the key is {len(key)} characters, the longest distractor {longest}",
                    )
                )
        in_distractors = set().union(*(_absolute_words(d) for d in distractors))
        in_keys = set().union(*(_absolute_words(k) for k in keys))
        if only := sorted(in_distractors - in_keys):
            problems.append(
                ("absolute", f"absolute word(s) only in distractors: {', '.join(only)}")
            )
        for key in keys:
            for source in sources_named(key):
                if any(word in stem for word in SOURCE_KEYWORDS[source]):
                    problems.append(("stem", f"the stem names the keyed source {source}"))
        for text in [*keys, *distractors]:
            if len(named := sources_named(text)) > 1:
                problems.append(
                    ("two-sources", f"{text!r} names {len(named)} sources: {sorted(named)}")
                )
    bends = question.get("bends") or {}
    return [
        f"{rule}: {problem}"
        for rule, problem in problems
        if not (isinstance(bends.get(rule), str) and len(bends[rule].strip()) >= 20)
    ]


def bend_problems(question: dict) -> list[str]:
    """A bend names a known rule and gives a reason."""
    bends = question.get("bends") or {}
    if not isinstance(bends, dict):
        return ["'bends' must map a rule to the reason it is bent"]
    return [
        f"bends: {rule!r} is not a rule ({', '.join(sorted(RULES))}) or has no reason"
        for rule, reason in bends.items()
        if rule not in RULES or not isinstance(reason, str) or len(reason.strip()) < 20
    ]


def file_problems(path: Path) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = []
    for question in data.get("questions") or []:
        for problem in [*bend_problems(question), *item_problems(question)]:
            found.append(f"{path}: {question.get('slug')}: {problem}")
    return found


def main(paths: list[str]) -> int:
    found = [p for path in paths for p in file_problems(Path(path))]
    print("\n".join(found) or f"{len(paths)} file(s): no problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
