"""templates/includes/chart.html: an SVG hidden from screen readers, the same numbers in a
table, and no inline style (the Content-Security-Policy forbids it)."""

import re
from html.parser import HTMLParser

from django.template.loader import render_to_string

from lib.charts import Day, Row, column_chart, row_chart


class _Parts(HTMLParser):
    """The attributes of every element, the <text> of the SVG and the cells of the table."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.svg_texts: list[tuple[dict[str, str | None], str]] = []
        self.cells: list[list[str]] = []
        self._text: dict[str, str | None] | None = None
        self._chunks: list[str] = []
        self._cell = False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag == "text":
            self._text, self._chunks = dict(attrs), []
        elif tag == "tr":
            self.cells.append([])
        elif tag in ("th", "td"):
            self._cell, self._chunks = True, []

    def handle_endtag(self, tag):
        if tag == "text" and self._text is not None:
            self.svg_texts.append((self._text, "".join(self._chunks).strip()))
            self._text = None
        elif tag in ("th", "td"):
            self.cells[-1].append("".join(self._chunks).strip())
            self._cell = False

    def handle_data(self, data):
        if self._text is not None or self._cell:
            self._chunks.append(data)


def _render(chart) -> tuple[str, _Parts]:
    html = render_to_string("includes/chart.html", {"chart": chart})
    parts = _Parts()
    parts.feed(html)
    return html, parts


def _no_inline_style(html: str, parts: _Parts):
    assert not [tag for tag, attrs in parts.elements if "style" in attrs]
    assert "<style" not in html and "<script" not in html
    assert not re.search(r"\sstyle\s*=", html)


def test_columns_render_an_svg_for_the_eye_and_a_table_with_the_same_numbers():
    values = [4, 0, 1234, 7, 0, 0, 12, 3, 9, 1, 0, 2, 5, 8, 6]
    days = [
        Day("Today" if i == 0 else f"Day {i}", "Today" if i == 0 else str(i), v, marked=i == 0)
        for i, v in enumerate(values)
    ]
    chart = column_chart(days, caption="Cards due on each day", unit="Cards due")
    html, parts = _render(chart)
    _no_inline_style(html, parts)
    svgs = [attrs for tag, attrs in parts.elements if tag == "svg"]
    assert len(svgs) == 1 and svgs[0]["aria-hidden"] == "true"
    assert svgs[0]["width"] == "100%" and "viewBox" not in svgs[0] and "viewbox" not in svgs[0]
    assert svgs[0]["height"] == str(chart.height)
    # The table: a header row, then one row per day with the very numbers charted.
    assert parts.cells[0] == ["Day", "Cards due"]
    assert parts.cells[1:] == [[d.label, str(d.value)] for d in days]
    assert '<th scope="row">Today</th>' in html
    assert "<summary>Show the numbers</summary>" in html
    assert "<figcaption" in html and ">Cards due on each day</figcaption>" in html
    # One bar per non-zero day; today's column is marked even though nothing else is.
    bars = [
        attrs for tag, attrs in parts.elements if tag == "rect" and "plot-bar" in attrs["class"]
    ]
    assert len(bars) == sum(1 for v in values if v)
    assert [a for t, a in parts.elements if t == "rect" and a["class"] == "plot-band"]
    # Every value written on the chart is a value of the table; numbers are not localised.
    written = {text for attrs, text in parts.svg_texts if "plot-value" in attrs["class"]}
    assert written and written <= {f"{v:,}" for v in values}
    assert "1,234" in written
    for attrs, _ in parts.svg_texts:
        assert re.fullmatch(r"-?[\d.]+%?", attrs["x"]) and re.fullmatch(r"[\d.]+", attrs["y"])
    ticks = [text for attrs, text in parts.svg_texts if "plot-tick" in attrs["class"]]
    assert "Today" in ticks


def test_today_at_zero_is_still_marked():
    days = [Day("Today", "Today", 0, marked=True), Day("Tue 1 Dec", "1", 0)]
    html, parts = _render(column_chart(days, caption="c", unit="Reviews"))
    assert not [a for t, a in parts.elements if t == "rect" and "plot-bar" in a["class"]]
    band = [a for t, a in parts.elements if t == "rect" and a["class"] == "plot-band"]
    assert band and band[0]["width"] == "50%"
    assert [text for a, text in parts.svg_texts if "plot-value" in a["class"]] == ["0"]
    assert [a for t, a in parts.elements if t == "line" and a["class"] == "plot-axis"]


def test_rows_render_with_flags_and_the_same_numbers_in_the_table():
    rows = [
        Row("1. electrician-crest-point" + " and a long tail" * 6, 76.7, "76.7%"),
        Row("2. student-icy-step-thigh", 53.3, "53.3%", flag="check"),
        Row("3. not-answered", None, "no answers"),
    ]
    chart = row_chart(
        rows,
        caption="Facility",
        unit="Facility",
        key_heading="Question",
        flag_heading="Flag",
        maximum=100,
    )
    html, parts = _render(chart)
    _no_inline_style(html, parts)
    (svg,) = [attrs for tag, attrs in parts.elements if tag == "svg"]
    assert svg["aria-hidden"] == "true" and svg["width"] == "100%"
    assert parts.cells[0] == ["Question", "Facility", "Flag"]
    assert parts.cells[1:] == [[r.label, r.text, r.flag] for r in rows]
    bars = [a["width"] for t, a in parts.elements if t == "rect" and a["class"] == "plot-bar"]
    assert bars == ["76.7%", "53.3%"]  # none for the question nobody answered
    values = [text for a, text in parts.svg_texts if a["class"] == "plot-value"]
    assert values == ["76.7%", "check 53.3%", "no answers"]
    assert [a["class"] for t, a in parts.elements if t == "g"] == [
        "plot-row",
        "plot-row is-flagged",
        "plot-row",
    ]
    # The long label comes in shortened versions, each shown at some widths only.
    first = [text for a, text in parts.svg_texts if "plot-label" in a["class"]][:3]
    assert any(text.endswith("…") for text in first)
    assert f"<title>{rows[0].label}: 76.7%</title>" in html


def test_text_is_escaped():
    rows = [Row('<script>alert("x")</script>', 1, "1")]
    html, _ = _render(row_chart(rows, caption="<b>c</b>", unit="u", key_heading="k"))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html
