"""Markdown to safe HTML, done once when content is saved.

Besides plain Markdown, lessons have boxes (`!!! warning "Title"`, Python-Markdown's
admonitions) and figures (a line `[figure: name]`). Everything the author wrote goes
through nh3; a figure's SVG does not, because nh3 does not know SVG: it was checked
against the content format's strict subset when it was loaded (course.figures), and only
that checked copy is placed here.
"""

import re
from dataclasses import dataclass
from html import escape, unescape

import markdown as md
import nh3
from django.utils.text import slugify

ALLOWED_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "code",
    "pre",
    "hr",
    "br",
    "div",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
# The kinds of box a lesson may use (FORMAT.md): red flags, where experts disagree, how
# strong the evidence is, and anything else set apart.
BOX_KINDS = ("warning", "disagree", "evidence", "note")
ALLOWED_CLASSES = {"div": {"admonition", *BOX_KINDS}, "p": {"admonition-title"}}

FIGURE_LINE = re.compile(r"^\[figure:\s*([a-z0-9]+(?:-[a-z0-9]+)*)\s*\]\s*$", re.MULTILINE)
FIGURE_SLOT = "FIGURESLOT{}X"


def figure_names(source: str) -> list[str]:
    """The figures a body places, in order."""
    return FIGURE_LINE.findall(source)


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def _to_html(source: str) -> str:
    return md.markdown(
        source, extensions=["tables", "sane_lists", "admonition"], output_format="html"
    )


def _figure_html(number: int, figure: dict) -> str:
    name = figure["name"]
    return (
        f'<figure class="diagram" id="figure-{name}">'
        f'<div class="diagram-art">{figure["svg"]}</div>'
        f"<figcaption><strong>Figure {number}.</strong> {escape(figure['caption'])}</figcaption>"
        f'<div class="diagram-text"><p class="diagram-text-title">The diagram in words</p>'
        f"{_clean(_to_html(figure['description']))}</div>"
        "</figure>"
    )


# A heading as nh3 leaves it (no attributes are allowed on headings), and as it is after
# it has been given its id.
BARE_HEADING = re.compile(r"<h([234])>(.*?)</h\1>", re.DOTALL)
HEADING = re.compile(r'<h([234]) id="([^"]+)">(.*?)</h\1>', re.DOTALL)
TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str  # plain text, as a reader sees it
    anchor: str  # the id: a link to the passage ends with #anchor


def heading_text(html: str) -> str:
    """The plain text of a heading's inner HTML."""
    return " ".join(unescape(TAG.sub("", html)).split())


def heading_anchor(text: str) -> str:
    """The id a heading with this plain text gets (before numbering a repeat)."""
    return slugify(text) or "section"


def _with_heading_ids(html: str) -> str:
    """Give every h2-h4 a stable id, the slug of its text ("Where it hurts" becomes
    where-it-hurts), numbered from -2 when a lesson repeats a heading, so that a link can
    point at a passage. The ids are added after nh3 has cleaned the HTML: an author
    cannot write one."""
    used: set[str] = set()

    def add(match: re.Match) -> str:
        level, inner = match.group(1), match.group(2)
        base = heading_anchor(heading_text(inner))
        anchor, n = base, 1
        while anchor in used:
            n += 1
            anchor = f"{base}-{n}"
        used.add(anchor)
        return f'<h{level} id="{anchor}">{inner}</h{level}>'

    return BARE_HEADING.sub(add, html)


def headings(html: str) -> list[Heading]:
    """The headings of rendered HTML with their ids, in order."""
    return [
        Heading(int(level), heading_text(inner), anchor)
        for level, anchor, inner in HEADING.findall(html)
    ]


def render_markdown(
    source: str, *, figures: list[dict] | None = None, heading_ids: bool = False
) -> str:
    """Markdown to clean HTML. `heading_ids` gives each heading an id (lessons: a link can
    point at a passage)."""
    by_name = {f["name"]: f for f in figures or []}
    placed: list[str] = []

    def slot(match: re.Match) -> str:
        name = match.group(1)
        if name not in by_name:
            return match.group(0)  # shown as written, so an editor sees the typo
        placed.append(name)
        return "\n" + FIGURE_SLOT.format(len(placed) - 1) + "\n"

    html = _clean(_to_html(FIGURE_LINE.sub(slot, source)))
    if heading_ids:
        html = _with_heading_ids(html)
    for i, name in enumerate(placed):
        html = html.replace(
            f"<p>{FIGURE_SLOT.format(i)}</p>", _figure_html(i + 1, by_name[name]), 1
        )
    return html


OUTCOMES_HEADING = re.compile(r"^#{2,3}\s+learning outcomes\s*#*\s*$", re.IGNORECASE)
NUMBERED_ITEM = re.compile(r"^(\d+)[.)]\s+(.*)$")
INLINE_MARKUP = [
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # a link keeps its words
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<!\w)([*_])(.+?)\1(?!\w)"), r"\2"),
    (re.compile(r"`([^`]*)`"), r"\1"),
]


def _plain(text: str) -> str:
    for pattern, replacement in INLINE_MARKUP:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def learning_outcomes(source: str) -> list[str]:
    """The numbered list under a course description's "Learning outcomes" heading, as
    plain text lines: what a certificate says the learner can do. Lines indented under an
    item continue it; the list ends at a line that is neither, or at the next heading.
    Empty when there is no such heading or list."""
    outcomes: list[str] = []
    in_section = False
    for line in source.splitlines():
        stripped = line.strip()
        if OUTCOMES_HEADING.match(stripped):
            in_section = True
            continue
        if not in_section:
            continue
        if stripped.startswith("#"):
            break
        if item := NUMBERED_ITEM.match(line):
            outcomes.append(item.group(2))
        elif outcomes and stripped and line[:1].isspace():
            outcomes[-1] += " " + stripped
        elif outcomes and stripped:
            break  # the paragraph after the list
    return [_plain(outcome) for outcome in outcomes]


OUTCOMES_SECTION = re.compile(
    r"<h([23])(?:\s[^>]*)?>\s*learning outcomes\s*</h\1>.*?(?=<h[23][ >]|\Z)",
    re.IGNORECASE | re.DOTALL,
)


def around_outcomes(html: str) -> tuple[str, str]:
    """A rendered course description cut where its "Learning outcomes" section (heading,
    lead-in and list, up to the next heading) was: what comes before and after it, for a
    page that shows `Course.outcomes` in a section of its own in that place. The
    description stays the one place the outcomes are written. Without such a section,
    all of it comes before."""
    found = OUTCOMES_SECTION.search(html)
    if found is None:
        return html, ""
    return html[: found.start()], html[found.end() :]
