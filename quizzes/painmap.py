"""The posterior hip, buttock and thigh diagram: its six regions, where they are drawn,
and what the pain locator says about each.

What the locator says (names, descriptions, nerves, irritants, mimics, warnings) and the
lessons each region points to are content: course/content/painmap.yaml, read once here
and checked (lesson slugs included) by `manage.py load_content`. Where each region is
drawn stays here, with the diagram.

The diagram shows the lower back, both buttocks and the upper thighs from behind (the
"back" view, the learner's right on the right of the picture, as a clinician standing
behind them sees it) and the right hip from the side (the "side" view), drawn at about
10 units to the centimetre of a real adult. Geometry is in the SVG's own units and lives
only here: each region is a path on the right side of the back view, drawn mirrored for
the left, and, where the side of the hip matters, a second path in the side view. Each
drawn copy is a hotspot: its number sits at the shape's anchor, and a click anywhere
inside the shape picks the region (templates/quizzes/_map_*.html).
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from course.content_loader import CONTENT_DIR
from course.models import Lesson
from lib.content import SLUG, ContentError, LoadReport, Where, read_yaml

PAIN_MAP_FILE = "painmap.yaml"

# Both views share one height: the body is drawn down to y=480 and the captions sit
# below it, so that a caption never overlaps the drawing.
BACK_W, SIDE_W, VIEW_H = 400, 250, 510
MIDLINE = BACK_W // 2
# The left side is the right side mirrored about the midline.
MIRROR = f"matrix(-1 0 0 1 {BACK_W} 0)"


@dataclass(frozen=True)
class Shape:
    """Where a region is drawn: a closed path on the right side of the back view and the
    point inside it where its number goes; optionally the same in the side view."""

    path: str
    anchor: tuple[int, int]
    side_path: str = ""
    side_anchor: tuple[int, int] = (0, 0)
    # A deep structure (under gluteus maximus), not a patch of skin: drawn hatched.
    deep: bool = False


@dataclass(frozen=True)
class Hotspot:
    """One drawn copy of a region: which view, which side, where its number sits, and
    the transform that draws the shape there."""

    view: str  # "back" or "side"
    side: str  # "right" or "left"
    x: int
    y: int
    transform: str = ""

    @property
    def id(self) -> str:
        return f"{self.view}-{self.side}"


# The territories follow the lessons (cluneal-nerves-anatomy, gluteal-and-sciatic-anatomy):
# the iliac crest peaks near (310, 72), the PSIS dimple is at (248, 130), the sacrum runs
# from y=112 to its apex at y=214 with the coccyx below, the ischial tuberosity is near
# (258, 268), the greater trochanter near (362, 232) and the gluteal fold from the cleft
# at y=296 out to (332, 304).
SHAPES: dict[str, Shape] = {
    # Superior cluneal nerves: cross the crest about 7 cm from the midline (x≈270) and
    # supply the upper buttock below it, reaching towards its outer part.
    "upper-buttock": Shape(
        path="M266,94 C286,84 316,82 334,92 C344,112 350,140 350,172 "
        "C326,180 296,176 276,166 C268,146 264,120 266,94 Z",
        anchor=(311, 128),
    ),
    # Middle cluneal nerves: just below the PSIS, through the long posterior sacroiliac
    # ligament beside the sacrum, to the medial buttock.
    "sacroiliac": Shape(
        path="M232,138 C244,132 258,134 264,142 C266,164 262,190 254,210 "
        "C246,216 234,214 228,206 C224,184 226,160 232,138 Z",
        anchor=(246, 174),
    ),
    # Inferior cluneal nerves (gluteal branches of the PFCN): the lower buttock over the
    # ischial tuberosity, above the gluteal fold.
    "sitting-bone": Shape(
        path="M214,262 C236,246 270,244 300,252 C318,258 330,274 332,296 "
        "C300,318 246,318 208,298 C206,284 208,272 214,262 Z",
        anchor=(262, 286),
    ),
    # Posterior femoral cutaneous nerve: the back of the thigh from the fold down.
    "back-of-thigh": Shape(
        path="M214,308 C250,324 300,326 336,308 C346,352 348,420 346,480 "
        "L224,480 C222,420 218,362 214,308 Z",
        anchor=(282, 396),
    ),
    # The sciatic nerve in the deep gluteal space: below piriformis, between the ischial
    # tuberosity and the greater trochanter. Deep, so hatched, with the nerve drawn.
    "deep-mid-buttock": Shape(
        path="M248,184 C282,190 320,206 346,222 C342,242 324,258 306,268 "
        "C292,264 280,256 272,248 C262,228 252,208 248,184 Z",
        anchor=(300, 226),
        deep=True,
    ),
    # Around the greater trochanter: outer hip from behind, and in the side view.
    "side-of-hip": Shape(
        path="M350,174 C362,186 371,212 373,238 C374,262 370,284 364,300 "
        "C352,290 344,262 342,238 C340,214 342,190 350,174 Z",
        anchor=(358, 238),
        side_path="M98,172 C126,158 158,168 168,196 C174,228 168,264 150,288 "
        "C128,300 100,290 92,262 C84,232 86,196 98,172 Z",
        side_anchor=(128, 230),
    ),
}


@dataclass(frozen=True)
class Region:
    key: str
    name: str  # short, for controls
    description: str  # where exactly, in plain words
    shape: Shape
    nerves: tuple[str, ...]
    irritants: tuple[str, ...]
    mimics: tuple[str, ...]
    # What in this area must not wait for a lesson: shown above everything else.
    warning: str
    # (course slug, lesson slug) of the lessons that cover it
    lessons: tuple[tuple[str, str], ...]

    @property
    def back_spots(self) -> tuple[Hotspot, ...]:
        """The region on both sides of the back view: the learner's right, then left."""
        x, y = self.shape.anchor
        return (
            Hotspot("back", "right", x, y),
            Hotspot("back", "left", BACK_W - x, y, MIRROR),
        )

    @property
    def side_spots(self) -> tuple[Hotspot, ...]:
        if not self.shape.side_path:
            return ()
        x, y = self.shape.side_anchor
        return (Hotspot("side", "right", x, y),)

    @property
    def hotspots(self) -> tuple[Hotspot, ...]:
        return self.back_spots + self.side_spots


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
        regions.append(
            Region(
                key=key,
                name=name,
                description=description,
                shape=SHAPES[key],
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
# The side view is drawn only if a region is shown in it.
SIDE_VIEW_KEYS = [region.key for region in REGIONS if region.shape.side_path]


def regions_for_lesson(course_slug: str, lesson_slug: str) -> list[Region]:
    """The regions whose locator entry points to this lesson."""
    return [r for r in REGIONS if (course_slug, lesson_slug) in r.lessons]
