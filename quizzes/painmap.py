"""The posterior hip, buttock and thigh diagram: its six regions, where they are drawn,
and what the pain locator says about each.

What the locator says (names, descriptions, nerves, irritants, mimics, warnings) and the
lessons each region points to are content: course/content/painmap.yaml, read once here
and checked (lesson slugs included) by `manage.py load_content`. Where each region is
drawn stays here, with the diagram.

The diagram shows the right side from behind. Geometry is in the SVG's own units
(a 320 × 420 viewBox); each region is an ellipse, and its hotspot (the label a learner
clicks or reaches by keyboard) covers the ellipse's box.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from course.content_loader import CONTENT_DIR
from course.models import Lesson
from lib.content import SLUG, ContentError, LoadReport, Where, read_yaml

VIEW_W, VIEW_H = 320, 420
PAIN_MAP_FILE = "painmap.yaml"

# Each region's ellipse on the diagram: centre (cx, cy) and radii (rx, ry).
SHAPES: dict[str, tuple[int, int, int, int]] = {
    "upper-buttock": (232, 96, 50, 24),
    "sacroiliac": (180, 152, 20, 36),
    "sitting-bone": (205, 246, 32, 22),
    "back-of-thigh": (228, 338, 46, 62),
    "deep-mid-buttock": (240, 176, 34, 30),
    "side-of-hip": (290, 196, 20, 42),
}


@dataclass(frozen=True)
class Region:
    key: str
    name: str  # short, for controls
    description: str  # where exactly, in plain words
    cx: int
    cy: int
    rx: int
    ry: int
    nerves: tuple[str, ...]
    irritants: tuple[str, ...]
    mimics: tuple[str, ...]
    # What in this area must not wait for a lesson: shown above everything else.
    warning: str
    # (course slug, lesson slug) of the lessons that cover it
    lessons: tuple[tuple[str, str], ...]

    @property
    def box(self) -> dict[str, float]:
        """The hotspot as percentages of the figure, for CSS positioning."""
        return {
            "left": round(100 * (self.cx - self.rx) / VIEW_W, 2),
            "top": round(100 * (self.cy - self.ry) / VIEW_H, 2),
            "width": round(100 * 2 * self.rx / VIEW_W, 2),
            "height": round(100 * 2 * self.ry / VIEW_H, 2),
        }


def _one_line(text: str) -> str:
    return " ".join(text.split())


def parse_pain_map(path: Path) -> tuple[Region, ...]:
    """The regions of a painmap.yaml, in its order; every drawn region once, every field
    present. Whether the lessons exist is checked by `check_pain_map`."""
    data = read_yaml(path)
    if not isinstance(data, list) or not data:
        raise ContentError(path, "must be a list of regions, each starting with '- key:'")
    regions: list[Region] = []
    for number, raw in enumerate(data, start=1):
        key = raw.get("key") if isinstance(raw, dict) else None
        where = f"region {key if isinstance(key, str) else f'#{number}'}: "
        f = Where(
            path,
            raw,
            {"key", "name", "description", "nerves", "irritants", "mimics", "warning", "lessons"},
            where,
        )
        key = f.choice("key", set(SHAPES))
        if key in {r.key for r in regions}:
            f.fail("this key is used by an earlier region too")
        name = _one_line(f.text("name", max_length=60))
        description = _one_line(f.text("description"))
        lists = {}
        for field in ("nerves", "irritants", "mimics"):
            lists[field] = tuple(_one_line(x) for x in f.text_list(field))
            if not lists[field]:
                f.fail(f"'{field}' is missing: list at least one line")
        cx, cy, rx, ry = SHAPES[key]
        regions.append(
            Region(
                key=key,
                name=name,
                description=description,
                cx=cx,
                cy=cy,
                rx=rx,
                ry=ry,
                warning=_one_line(f.text("warning", required=False)),
                lessons=_lesson_pairs(f),
                **lists,
            )
        )
    if missing := sorted(set(SHAPES) - {r.key for r in regions}):
        raise ContentError(
            path, f"every region of the diagram must be listed; missing {', '.join(missing)}"
        )
    return tuple(regions)


def _lesson_pairs(f: Where) -> tuple[tuple[str, str], ...]:
    raw = f.meta.get("lessons")
    if not isinstance(raw, dict) or not raw:
        f.fail("'lessons' is missing: map each course slug to the slugs of its lessons")
    pairs = []
    for course, lessons in raw.items():
        if not isinstance(course, str) or not SLUG.match(course):
            f.fail(f"'lessons': {course!r} is not a course slug")
        if (
            not isinstance(lessons, list)
            or not lessons
            or not all(isinstance(x, str) and SLUG.match(x) for x in lessons)
        ):
            f.fail(f"'lessons': {course} must list the slugs of at least one of its lessons")
        if len(set(lessons)) != len(lessons):
            f.fail(f"'lessons': {course} lists a lesson twice")
        pairs += [(course, lesson) for lesson in lessons]
    return tuple(pairs)


def check_pain_map(root: Path, report: LoadReport, loaded: dict[str, Any]) -> None:
    """The pain map's loader: nothing is saved, but the file under the content folder is
    parsed and every (course, lesson) it points to must be a lesson of the courses just
    loaded. Runs after the course loader; a folder without the file is left alone."""
    path = root / PAIN_MAP_FILE
    if not path.exists() or "courses" not in loaded:
        return
    courses = {entry.course.slug: entry.course for entry in loaded["courses"]}
    lessons = set(
        Lesson.objects.filter(course__in=courses.values()).values_list("course__slug", "slug")
    )
    try:
        for region in parse_pain_map(path):
            for course, lesson in region.lessons:
                if course not in courses:
                    raise ContentError(
                        path,
                        f"region {region.key}: 'lessons' names course {course!r}, "
                        "which is not a course of this content",
                    )
                if (course, lesson) not in lessons:
                    raise ContentError(
                        path,
                        f"region {region.key}: 'lessons' names lesson {lesson!r}, "
                        f"which is not a lesson of {course}",
                    )
    except ContentError as error:
        report.errors.append(error)


REGIONS: tuple[Region, ...] = parse_pain_map(CONTENT_DIR / PAIN_MAP_FILE)
BY_KEY = {region.key: region for region in REGIONS}
REGION_CHOICES = [(region.key, region.name) for region in REGIONS]


def regions_for_lesson(course_slug: str, lesson_slug: str) -> list[Region]:
    """The regions whose locator entry points to this lesson."""
    return [r for r in REGIONS if (course_slug, lesson_slug) in r.lessons]
