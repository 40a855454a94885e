"""Diagrams for lessons: SVG files held to the strict subset in course/content/FORMAT.md.

The loader inlines a checked copy of each SVG in the lesson's HTML, so the check is the
whole of its safety: a known set of elements and attributes, no style, no scripts, no
links, no entities; ids that start with the figure's name so two figures on one page
never clash; text large enough to read on a phone.
"""

import re
import xml.etree.ElementTree as ET  # noqa: S405 (files from the repository; DTDs refused below)
from pathlib import Path

SVG_NS = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG_NS)

ELEMENTS = {
    "svg",
    "g",
    "title",
    "desc",
    "defs",
    "marker",
    "path",
    "line",
    "polyline",
    "polygon",
    "circle",
    "ellipse",
    "rect",
    "text",
    "tspan",
}
ATTRIBUTES = {
    # geometry
    *[
        "d",
        "points",
        "x",
        "y",
        "x1",
        "y1",
        "x2",
        "y2",
        "cx",
        "cy",
        "r",
        "rx",
        "ry",
        "width",
        "height",
        "dx",
        "dy",
        "transform",
        "viewBox",
    ],
    *["refX", "refY", "markerWidth", "markerHeight", "orient", "markerUnits"],
    # presentation
    *["fill", "stroke", "stroke-width", "stroke-dasharray", "stroke-linecap", "stroke-linejoin"],
    *["opacity", "fill-opacity", "stroke-opacity", "font-size", "font-weight", "font-style"],
    *["font-family", "text-anchor", "dominant-baseline", "marker-start", "marker-end"],
    "id",
    "class",
}
# url(#id) is the one reference allowed (markers), and only to an id of the same figure.
URL_REF = re.compile(r"url\(#([A-Za-z0-9_-]+)\)")


class FigureError(ValueError):
    pass


def _local(tag: str) -> str:
    if not tag.startswith("{" + SVG_NS + "}"):
        raise FigureError(f"element {tag!r} is not in the SVG namespace")
    return tag.split("}", 1)[1]


def check_svg(path: Path, name: str) -> str:
    """The SVG at `path`, checked and serialised for inlining; FigureError says what is
    wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise FigureError("the file cannot be read as UTF-8 text") from None
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise FigureError("a DOCTYPE or entity declaration is not allowed")
    try:
        root = ET.fromstring(text)  # noqa: S314 (no DTDs, checked above)
    except ET.ParseError as exc:
        raise FigureError(f"not well-formed XML ({exc})") from None
    if _local(root.tag) != "svg":
        raise FigureError("the root element must be <svg>")
    view_box = (root.get("viewBox") or "").split()
    if len(view_box) != 4:
        raise FigureError("the <svg> needs a viewBox of four numbers")
    try:
        width = float(view_box[2])
    except ValueError:
        raise FigureError("the viewBox must be numbers") from None
    if not 320 <= width <= 800:
        raise FigureError(f"the viewBox width must be between 320 and 800, not {width:g}")
    if root.get("width") or root.get("height"):
        raise FigureError("the <svg> has no width or height: it scales to the column")
    children = list(root)
    if not children or _local(children[0].tag) != "title" or not (children[0].text or "").strip():
        raise FigureError("the first element inside <svg> must be a non-empty <title>")
    ids: set[str] = set()

    def walk(element: ET.Element, inherited: float | None) -> None:
        tag = _local(element.tag)
        if tag not in ELEMENTS:
            raise FigureError(f"<{tag}> is not allowed")
        for attribute, value in element.attrib.items():
            if attribute not in ATTRIBUTES:
                raise FigureError(f"attribute {attribute!r} on <{tag}> is not allowed")
            if "url(" in value and not URL_REF.fullmatch(value.strip()):
                raise FigureError(f"{attribute}={value!r}: only url(#id) references are allowed")
        if element_id := element.get("id"):
            if not element_id.startswith(f"{name}-"):
                raise FigureError(f"id {element_id!r} must start with '{name}-'")
            ids.add(element_id)
        size = inherited
        if (given := element.get("font-size")) is not None:
            try:
                size = float(given.removesuffix("px"))
            except ValueError:
                raise FigureError(f"font-size {given!r} must be a number") from None
        if tag == "text" and (element.text or "").strip() or tag == "tspan":
            if size is None:
                raise FigureError("text needs a font-size (on it or a group around it)")
            if size < width / 30 - 0.01:
                raise FigureError(
                    f"font-size {size:g} is too small to read on a phone (at least {width / 30:g})"
                )
        for child in element:
            walk(child, size)

    walk(root, None)
    for element in root.iter():
        for value in element.attrib.values():
            for ref in URL_REF.findall(value):
                if ref not in ids:
                    raise FigureError(f"url(#{ref}) points at no element of this figure")
    title = children[0]
    title_id = title.get("id") or f"{name}-title"
    title.set("id", title_id)
    ids.add(title_id)
    root.set("role", "img")
    root.set("aria-labelledby", title_id)
    root.set("focusable", "false")
    return ET.tostring(root, encoding="unicode")
