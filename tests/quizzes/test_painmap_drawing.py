"""The pain map as drawn on the pages: every region on both sides of the back view (and
the side of the hip in the side view too), numbers placed from the geometry in
quizzes/painmap.py and inside their own shape, no style attributes anywhere, and after
a wrong answer both the chosen and the correct regions marked and named."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from django.utils import timezone

from quizzes.models import Attempt
from quizzes.painmap import BACK_W, BY_KEY, MIRROR, REGIONS, SHAPES
from quizzes.services import attempt_submit
from reviews.models import Card
from tests.factories import (
    ClinicianFactory,
    EnrollmentFactory,
    LessonFactory,
    QuizFactory,
    question_with,
)

KEYS = [r.key for r in REGIONS]


class Element:
    def __init__(self, tag: str, attrs: dict[str, str], parents: list["Element"]):
        self.tag, self.attrs, self.parents = tag, attrs, parents
        self.text = ""

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def inside(self, tag: str, cls: str = "") -> "Element | None":
        for parent in reversed(self.parents):
            if parent.tag == tag and (not cls or cls in parent.classes):
                return parent
        return None


class Elements(HTMLParser):
    """Every element of a page with its attributes and its open ancestors."""

    VOID = {"input", "br", "img", "meta", "link", "hr", "use", "path", "circle", "rect"}
    VOID |= {"ellipse", "line"}

    def __init__(self, html: str):
        super().__init__()
        self.stack: list[Element] = []
        self.all: list[Element] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, list(self.stack))
        self.all.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.all.append(Element(tag, {k: v or "" for k, v in attrs}, list(self.stack)))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        for element in self.stack:
            element.text += data

    def find(self, tag: str, cls: str = "") -> list[Element]:
        return [e for e in self.all if e.tag == tag and (not cls or cls in e.classes)]


def _points(path: str, steps: int = 24) -> list[tuple[float, float]]:
    """The outline of a path of M, C, L and Z commands (absolute), as a polygon."""
    tokens = re.findall(r"[MCLZ]|-?\d+(?:\.\d+)?", path)
    points: list[tuple[float, float]] = []
    i, command = 0, ""
    while i < len(tokens):
        if tokens[i] in "MCLZ":
            command = tokens[i]
            i += 1
            continue
        if command in "ML":
            points.append((float(tokens[i]), float(tokens[i + 1])))
            i += 2
        elif command == "C":
            (x0, y0) = points[-1]
            x1, y1, x2, y2, x3, y3 = map(float, tokens[i : i + 6])
            for n in range(1, steps + 1):
                t = n / steps
                a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
                points.append(
                    (a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3)
                )
            i += 6
    return points


def _inside(point: tuple[float, float], polygon: list[tuple[float, float]]) -> bool:
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _mirrored(path: str) -> str:
    numbers = iter(re.findall(r"-?\d+(?:\.\d+)?|[MCLZ]", path))
    out = []
    for token in numbers:
        if token in "MCLZ":
            out.append(token)
        else:
            out += [str(BACK_W - float(token)), next(numbers)]
    return " ".join(out)


def test_every_number_sits_inside_its_own_region_and_no_later_one():
    """A click on a region's number reaches that region: the number's point is inside
    its shape, and not inside a region drawn (and so hit) after it."""
    order = list(SHAPES)
    for key, shape in SHAPES.items():
        views = [("back", shape.path, shape.anchor)]
        if shape.side_path:
            views.append(("side", shape.side_path, shape.side_anchor))
        for view, path, anchor in views:
            assert _inside(anchor, _points(path)), (key, view)
            for later in order[order.index(key) + 1 :]:
                other = SHAPES[later].path if view == "back" else SHAPES[later].side_path
                if other:
                    assert not _inside(anchor, _points(other)), (key, "under", later)
        # The left side is the right side mirrored about the midline.
        left = BY_KEY[key].back_spots[1]
        assert left.side == "left" and left.transform == MIRROR
        assert _inside((left.x, left.y), _points(_mirrored(shape.path))), key
    # The territories sit where the lessons put them, relative to the midline (x=200,
    # 10 units to the cm): superior cluneal below the crest from about 7 cm out, middle
    # cluneal beside the sacrum, inferior cluneal at the gluteal fold.
    upper = _points(SHAPES["upper-buttock"].path)
    assert 60 <= min(x for x, _ in upper) - 200 <= 80
    middle = _points(SHAPES["sacroiliac"].path)
    assert max(x for x, _ in middle) - 200 < 70 and min(y for _, y in middle) > 130
    assert 290 <= max(y for _, y in _points(SHAPES["sitting-bone"].path)) <= 320
    assert SHAPES["deep-mid-buttock"].deep and not SHAPES["upper-buttock"].deep


@pytest.mark.django_db
def test_the_locator_links_every_region_on_both_sides(client):
    page = Elements(client.get("/pain-map/?region=sacroiliac").content.decode())
    links = {a.attrs["aria-label"]: a for a in page.find("a") if a.inside("svg", "pm-back")}
    assert set(links) == {r.name for r in REGIONS}
    for region in REGIONS:
        uses = [
            u
            for u in page.find("use", "pm-shape")
            if u.inside("svg", "pm-back") and u.attrs["href"] == f"#locator-shape-{region.key}"
        ]
        assert [u.attrs.get("transform", "") for u in uses] == ["", MIRROR], region.key
        assert all(u.inside("a") is links[region.name] for u in uses)
        assert links[region.name].attrs["href"] == f"?region={region.key}#region-info"
    assert links[BY_KEY["sacroiliac"].name].attrs.get("aria-current") == "true"
    # The side view repeats the side of the hip for the mouse, out of the tab order.
    side = [a for a in page.find("a") if a.inside("svg", "pm-side")]
    assert [(a.attrs["href"], a.attrs["tabindex"]) for a in side] == [
        ("?region=side-of-hip#region-info", "-1")
    ]
    assert page.find("svg", "pm-side")[0].attrs["aria-hidden"] == "true"


@pytest.fixture
def quiz():
    quiz = QuizFactory(title="Map quiz", pass_mark=80)
    lesson = LessonFactory(module=quiz.module, slug="map-lesson")
    question_with(quiz, kind="pain_map", correct=(4,), regions=KEYS, slug="map", lesson=lesson)
    return quiz


@pytest.fixture
def learner(quiz):
    user = ClinicianFactory()
    EnrollmentFactory(user=user, course=quiz.course)
    return user


@pytest.mark.django_db
def test_a_question_offers_each_region_on_both_sides_numbered_from_the_geometry(
    client, quiz, learner
):
    client.force_login(learner)
    page = Elements(client.get(quiz.get_absolute_url()).content.decode())
    question = quiz.questions.get()
    inputs = page.find("input", "pm-input")
    assert [i.attrs["id"] for i in inputs] == [f"q{question.pk}-{key}" for key in KEYS]
    assert all(i.attrs["type"] == "radio" for i in inputs)
    for number, region in enumerate(REGIONS, start=1):
        control = f"q{question.pk}-{region.key}"
        # Named by one label in the list; picked as well by a label clipped to each
        # drawn copy of the region.
        named = [x for x in page.find("label") if x.attrs.get("for") == control]
        assert [x.text.strip() for x in named if x.inside("ol", "pm-legend")] == [region.name]
        hits = [x for x in named if x.inside("foreignobject")]
        assert [h.attrs["data-spot"] for h in hits] == [s.id for s in region.hotspots]
        for hit in hits:
            clip = hit.inside("foreignobject").attrs["clip-path"]
            clip_id = re.fullmatch(r"url\(#(.+)\)", clip).group(1)
            (path,) = [c for c in page.find("clippath") if c.attrs["id"] == clip_id]
            (use,) = [u for u in page.find("use") if u.parents and u.parents[-1] is path]
            spot = next(s for s in region.hotspots if s.id == hit.attrs["data-spot"])
            suffix = "-side" if spot.view == "side" else ""
            assert use.attrs["href"] == f"#q{question.pk}-shape-{region.key}{suffix}"
            assert use.attrs.get("transform", "") == spot.transform
        # Its number, where the geometry says, on every drawn copy.
        badges = [b for b in page.find("g", "pm-badge") if f"r-{region.key}" in b.classes]
        assert [(b.attrs["data-spot"], b.attrs["transform"], b.text.strip()) for b in badges] == [
            (s.id, f"translate({s.x} {s.y})", str(number)) for s in region.hotspots
        ]
    left, right = BY_KEY["sitting-bone"].back_spots[::-1]
    assert left.x == BACK_W - right.x and left.y == right.y


def _answer_wrongly_and_review(client, quiz, learner):
    """The learner answers the map wrongly in the quiz, then again on the review card
    two days later: the attempt page and the card's feedback page."""
    question = quiz.questions.get()
    wrong = question.choices.get(region="sitting-bone")
    attempt = attempt_submit(user=learner, quiz=quiz, answers={question.pk: [wrong.pk]})
    client.force_login(learner)
    attempt_page = client.get(f"/quizzes/attempts/{attempt.pk}/").content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        session_page = client.get("/review/").content.decode()
        card = Card.objects.get(user=learner, question=question)
        feedback_page = client.post(
            f"/review/{card.pk}/", {"choices": [wrong.pk], "reps": card.reps, "confidence": 2}
        ).content.decode()
    return attempt_page, session_page, feedback_page


@pytest.mark.django_db
def test_after_a_wrong_answer_the_chosen_and_the_correct_regions_are_marked_and_named(
    client, quiz, learner
):
    attempt_page, _, feedback_page = _answer_wrongly_and_review(client, quiz, learner)
    assert Attempt.objects.get(user=learner).score == 0
    for html in (attempt_page, feedback_page):
        page = Elements(html)
        (figure,) = page.find("figure", "pm-result")
        assert not page.find("input", "pm-input")  # nothing to change after the answer
        marked = {
            key: {c for c in g.classes if c.startswith("is-")}
            for g in page.find("g", "pm-region")
            if g.inside("svg", "pm-back")
            for key in [next(c[2:] for c in g.classes if c.startswith("r-"))]
        }
        assert marked == {
            key: {"is-chosen"}
            if key == "sitting-bone"
            else {"is-correct"}
            if key == "deep-mid-buttock"
            else set()
            for key in KEYS
        }
        # The learner's region is striped on both sides; words say which is which.
        stripes = [u for u in page.find("use", "pm-mine") if u.inside("svg", "pm-back")]
        assert [u.attrs["href"].rsplit("-shape-", 1)[1] for u in stripes] == ["sitting-bone"] * 2
        caption = " ".join(page.find("figcaption", "pm-key")[0].text.split())
        assert f"Correct answer: {BY_KEY['deep-mid-buttock'].name}" in caption
        assert f"Your answer: {BY_KEY['sitting-bone'].name}" in caption
        svg = page.find("svg", "pm-back")[0]
        assert svg.attrs["aria-labelledby"] == page.find("figcaption", "pm-key")[0].attrs["id"]
        badges = {
            b.text.strip()
            for b in page.find("g", "pm-badge")
            if "r-sitting-bone" in b.classes or "r-deep-mid-buttock" in b.classes
        }
        assert badges == {"✓", "✗"}


@pytest.mark.django_db
def test_no_pain_map_page_carries_a_style_attribute(client, quiz, learner):
    """The Content-Security-Policy is to drop style-src-attr 'unsafe-inline'."""
    attempt_page, session_page, feedback_page = _answer_wrongly_and_review(client, quiz, learner)
    # The failed quiz would cool down before a retake; this test wants its form again.
    quiz.retake_after_hours = 0
    quiz.save()
    # A lesson the pain map points to shows the small locator in its sidebar.
    lesson = LessonFactory(
        module__course__slug="buttock-nerve-pain-self-help", slug="gluteal-nerves"
    )
    EnrollmentFactory(user=learner, course=lesson.course)
    pages = {
        "lesson": client.get(lesson.get_absolute_url()).content.decode(),
        "locator": client.get("/pain-map/").content.decode(),
        "locator region": client.get("/pain-map/?region=side-of-hip").content.decode(),
        "quiz": client.get(quiz.get_absolute_url()).content.decode(),
        "attempt": attempt_page,
        "review card": session_page,
        "review feedback": feedback_page,
    }
    assert "pm-choose" in pages["quiz"] and "pm-choose" in session_page
    assert "pm-result" in attempt_page and "pm-result" in feedback_page
    for name, html in pages.items():
        assert "pm-figure" in html, name
        assert not re.search(r"\sstyle\s*=", html, re.IGNORECASE), name
        assert "<style" not in html.lower(), name
    sidebar = Elements(pages["lesson"])
    marked = [g for g in sidebar.find("g", "is-marked") if g.inside("div", "small")]
    assert {next(c[2:] for c in g.classes if c.startswith("r-")) for g in marked} == {
        "deep-mid-buttock",
        "side-of-hip",
    }
