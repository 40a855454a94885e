"""Draw a small, plain SVG file (a logo) on a ReportLab canvas as vector shapes.

Only what a flat mark needs: `rect` (with `rx`), `circle`, and `path` with absolute
M, L, H, V, C and Z commands; `fill`, `stroke`, `stroke-width`, `stroke-linecap` and
`stroke-linejoin` given as attributes. Anything else raises, so a mark redrawn with
more than this is noticed by a test rather than printed wrong.
"""

import re
import xml.etree.ElementTree as ET  # noqa: S405 (our own files only)
from functools import cache
from pathlib import Path

from reportlab.lib.colors import Color, HexColor
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.pathobject import PDFPathObject

SVG = "{http://www.w3.org/2000/svg}"
TOKEN = re.compile(r"[A-Za-z]|-?(?:\d+\.?\d*|\.\d+)")
CAPS = {"butt": 0, "round": 1, "square": 2}
JOINS = {"miter": 0, "round": 1, "bevel": 2}
Shape = tuple[str, dict[str, str]]


class SvgError(ValueError):
    pass


@cache
def _read(path: Path) -> tuple[tuple[float, float, float, float], tuple[Shape, ...]]:
    root = ET.parse(path).getroot()  # noqa: S314 (a file of our own, never user input)
    box = tuple(float(v) for v in root.attrib["viewBox"].split())
    if len(box) != 4:
        raise SvgError(f"{path}: viewBox must have four numbers")
    shapes = []
    for element in root:
        tag = element.tag.removeprefix(SVG)
        if tag not in {"rect", "circle", "path"}:
            raise SvgError(f"{path}: <{tag}> is not drawn")
        shapes.append((tag, dict(element.attrib)))
    return (box[0], box[1], box[2], box[3]), tuple(shapes)


def _colour(value: str | None) -> Color | None:
    if value is None or value == "none":
        return None
    if not re.fullmatch(r"#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}", value):
        raise SvgError(f"colour {value!r} must be #rgb or #rrggbb")
    if len(value) == 4:
        value = "#" + "".join(c * 2 for c in value[1:])
    return HexColor(value)


def _path(pdf: Canvas, d: str) -> PDFPathObject:
    path = pdf.beginPath()
    tokens = TOKEN.findall(d)
    x = y = 0.0
    command = ""
    i = 0

    def numbers(n: int) -> list[float]:
        nonlocal i
        values = [float(t) for t in tokens[i : i + n]]
        if len(values) != n or any(t.isalpha() for t in tokens[i : i + n]):
            raise SvgError(f"path {d!r}: {command} needs {n} numbers")
        i += n
        return values

    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
        if command == "M":
            x, y = numbers(2)
            path.moveTo(x, y)
            command = "L"  # further pairs after M are lines
        elif command == "L":
            x, y = numbers(2)
            path.lineTo(x, y)
        elif command == "H":
            (x,) = numbers(1)
            path.lineTo(x, y)
        elif command == "V":
            (y,) = numbers(1)
            path.lineTo(x, y)
        elif command == "C":
            x1, y1, x2, y2, x, y = numbers(6)
            path.curveTo(x1, y1, x2, y2, x, y)
        elif command in {"Z", "z"}:
            path.close()
        else:
            raise SvgError(f"path {d!r}: command {command!r} is not drawn")
    return path


def draw_svg(pdf: Canvas, path: Path, *, x: float, y: float, size: float) -> None:
    """Draw the SVG at `path` with its viewBox scaled to `size` points across, its
    bottom-left corner at (`x`, `y`)."""
    (left, top, width, height), shapes = _read(path)
    scale = size / width
    pdf.saveState()
    # SVG's y axis points down: flip it about the box.
    pdf.transform(scale, 0, 0, -scale, x - left * scale, y + (height + top) * scale)
    for tag, a in shapes:
        fill, stroke = _colour(a.get("fill", "#000000")), _colour(a.get("stroke"))
        if fill:
            pdf.setFillColor(fill)
        if stroke:
            pdf.setStrokeColor(stroke)
            pdf.setLineWidth(float(a.get("stroke-width", "1")))
            pdf.setLineCap(CAPS[a.get("stroke-linecap", "butt")])
            pdf.setLineJoin(JOINS[a.get("stroke-linejoin", "miter")])
        paint = {"fill": int(fill is not None), "stroke": int(stroke is not None)}
        if tag == "rect":
            x0, y0, w, h = (float(a.get(k, "0")) for k in ("x", "y", "width", "height"))
            pdf.roundRect(x0, y0, w, h, float(a.get("rx", "0")), **paint)
        elif tag == "circle":
            pdf.circle(float(a["cx"]), float(a["cy"]), float(a["r"]), **paint)
        else:
            pdf.drawPath(_path(pdf, a["d"]), **paint)
    pdf.restoreState()
