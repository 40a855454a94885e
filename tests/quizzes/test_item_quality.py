"""The item-writing standard's mechanical rules (course/content/FORMAT.md), on examples
and on every shipped quiz."""

import pytest
import yaml

from course.content_loader import CONTENT_DIR
from quizzes.quality import bend_problems, item_problems


def question(key: str, *distractors: str, case: str = "", prompt: str = "Most likely?", **extra):
    return {
        "slug": "q",
        "kind": "single",
        "case": case,
        "prompt": prompt,
        "options": [
            {"text": key, "correct": True},
            *({"text": d, "correct": False} for d in distractors),
        ],
        **extra,
    }


GOOD = question(
    "Superior cluneal nerve",
    "Middle cluneal nerve",
    "Sacroiliac joint",
    "Lumbar radicular pain (L5)",
    case="A 58-year-old golfer has pain a hand's breadth from the midline after long drives.",
)


def test_a_well_written_item_passes():
    assert item_problems(GOOD) == []


@pytest.mark.parametrize(
    ("item", "rule"),
    [
        (
            question(
                "Nerve irritation is possible, but no single test settles it on its own here",
                "The block confirms it",
                "Palpation settles it",
            ),
            "length",
        ),
        (
            question(
                "A block may support it",
                "A block always proves it",
                "Imaging can show it",
            ),
            "absolute",
        ),
        (
            question(
                "Superior cluneal nerve",
                "Middle cluneal nerve",
                "Sacroiliac joint",
                case="Superior cluneal tenderness at the crest.",
            ),
            "stem",
        ),
        (
            question(
                "Sciatic nerve in the ischial tunnel / hamstring tendinopathy",
                "Inferior cluneal nerve (sitting bone)",
                "Posterior femoral cutaneous nerve",
            ),
            "two-sources",
        ),
        (
            {
                "slug": "where",
                "kind": "pain_map",
                "case": "Her belt line hurts after long drives.",
                "prompt": "Where would you press?",
                "options": [
                    {"region": "upper-buttock", "correct": True},
                    {"region": "sacroiliac", "correct": False},
                ],
            },
            "stem",
        ),
    ],
    ids=["length", "absolute", "stem names key", "two sources", "pain map landmark"],
)
def test_each_cue_is_caught_and_a_reasoned_bend_excuses_it(item, rule):
    problems = item_problems(item)
    assert [p.split(":")[0] for p in problems] == [rule]
    bent = {**item, "bends": {rule: "The key must name both findings to be true."}}
    assert item_problems(bent) == [] and bend_problems(bent) == []
    # A bend without a reason excuses nothing.
    assert item_problems({**item, "bends": {rule: "because"}}) == problems
    assert bend_problems({**item, "bends": {rule: "because"}})


def test_retired_options_are_not_held_to_the_standard():
    item = question("Superior cluneal nerve", "Middle cluneal nerve", "Sacroiliac joint")
    item["options"].append(
        {"text": "It always proves itself on a block", "correct": False, "retired": True}
    )
    assert item_problems(item) == []


SHIPPED = sorted(CONTENT_DIR.rglob("*quiz.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=[str(p.relative_to(CONTENT_DIR)) for p in SHIPPED])
def test_every_shipped_item_meets_the_standard(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems = [
        f"{q['slug']}: {p}"
        for q in data["questions"]
        for p in [*bend_problems(q), *item_problems(q)]
    ]
    assert problems == []


def test_every_shipped_quiz_is_checked():
    assert len(SHIPPED) == 12  # five module quizzes and seven lesson self-checks
