"""The bar charts' geometry: bars in proportion, labels that fit at every width."""

import re
from itertools import combinations
from pathlib import Path

import pytest

from lib.charts import (
    BASELINE,
    COLUMN_PLOT,
    EDGE,
    GAP,
    MIN_BAR_PX,
    TIERS,
    ColumnChart,
    Day,
    Label,
    Row,
    column_chart,
    row_chart,
    shorten,
    text_width,
)

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "charts.css"


def _days(values, marked=0):
    return [
        Day(f"Day {i}", "Today" if i == marked else str(i), v, marked=i == marked)
        for i, v in enumerate(values)
    ]


def _chart(values, marked=0) -> ColumnChart:
    return column_chart(_days(values, marked), caption="Reviews", unit="Reviews")


def _pct(x: str) -> float:
    assert x.endswith("%"), x
    return float(x[:-1]) / 100


def _shown(labels, tier: int) -> list[Label]:
    """The labels charts.css shows at this tier: those without tier classes, and those
    with this tier's."""
    return [label for label in labels if not label.classes or f"tier-{tier}" in label.classes]


def _extent(label: Label, chart_px: float, bold: bool = False) -> tuple[float, float]:
    x, width = _pct(label.x) * chart_px + label.dx, text_width(label.text, bold=bold)
    return {
        "start": (x, x + width),
        "middle": (x - width / 2, x + width / 2),
        "end": (x - width, x),
    }[label.anchor]


def _assert_fit(labels, chart_px, bold=False):
    extents = [(_extent(label, chart_px, bold or label.marked), label) for label in labels]
    for (start, end), label in extents:
        assert start >= EDGE and end <= chart_px - EDGE, (label, chart_px)
    for ((a0, a1), a), ((b0, b1), b) in combinations(extents, 2):
        # Side by side with a gap, or (values) at heights a line apart.
        assert a1 + GAP <= b0 or b1 + GAP <= a0 or abs(a.y - b.y) >= 14, (a, b, chart_px)


def test_columns_are_in_proportion_to_the_values():
    chart = _chart([10, 5, 0, 20])
    heights = [c.height for c in chart.columns]
    assert heights == [COLUMN_PLOT / 2, COLUMN_PLOT / 4, 0, COLUMN_PLOT]
    assert [c.y for c in chart.columns] == [BASELINE - h for h in heights]
    # Four equal slots, each column 70% of its slot and centred in it.
    assert [_pct(c.x) for c in chart.columns] == pytest.approx([0.0375, 0.2875, 0.5375, 0.7875])
    assert {c.width for c in chart.columns} == {"17.5%"}


def test_a_small_value_beside_a_large_one_still_shows():
    chart = _chart([1, 1000])
    assert chart.columns[0].height == MIN_BAR_PX
    assert chart.columns[1].height == COLUMN_PLOT


def test_all_zero_marks_today_and_shows_its_zero():
    chart = _chart([0, 0, 0])
    assert all(c.height == 0 for c in chart.columns)
    assert (
        chart.band is not None
        and chart.band.x == "0%"
        and _pct(chart.band.width) == pytest.approx(1 / 3, abs=1e-4)
    )
    # Only today's value is written, at every width, just above the baseline.
    assert [(v.text, v.classes, v.y) for v in chart.values] == [("0", "", BASELINE - 5)]
    assert chart.ticks[0].text == "Today" and chart.ticks[0].marked


def test_the_marked_day_may_be_the_last():
    chart = _chart([3, 0, 4], marked=2)
    assert chart.band is not None and _pct(chart.band.x) == pytest.approx(2 / 3, abs=1e-4)
    assert [c.marked for c in chart.columns] == [False, False, True]
    assert "Today" in {t.text for t in chart.ticks}


def test_one_value():
    chart = _chart([7])
    (column,) = chart.columns
    assert (column.x, column.width, column.height) == ("15%", "70%", COLUMN_PLOT)
    assert [(v.text, v.anchor, v.classes) for v in chart.values] == [("7", "middle", "")]
    assert [(t.text, t.anchor, t.classes) for t in chart.ticks] == [("Today", "middle", "")]


def test_no_values():
    chart = _chart([])
    assert chart.columns == () and chart.values == () and chart.ticks == () and chart.band is None


@pytest.mark.parametrize("count", [14, 15, 31, 60, 90])
def test_many_days_thin_their_labels_to_fit_every_width(count):
    values = [(i * 37) % 250 for i in range(count)]
    chart = _chart(values)
    for tier, chart_px in enumerate(TIERS):
        ticks, values_shown = _shown(chart.ticks, tier), _shown(chart.values, tier)
        _assert_fit(ticks, chart_px)
        _assert_fit(values_shown, chart_px, bold=True)
        # Today's label is always there, and the day labels keep a regular step.
        assert "Today" in [t.text for t in ticks]
        assert len(ticks) >= 2 or count * 18 > chart_px
    # The wider the chart, the more labels fit, up to one a day.
    counts = [len(_shown(chart.ticks, tier)) for tier in range(len(TIERS))]
    assert counts == sorted(counts)
    assert counts[0] < count
    if count <= 15:
        assert counts[-1] == count


def test_a_value_does_not_run_into_a_taller_column_beside_it():
    # At the narrowest width "250" is wider than its slot: the tall columns either side
    # would cut through it, so it waits for a wider chart.
    chart = _chart([0] + [300, 250, 300] * 10)
    narrow = {v.text for v in _shown(chart.values, 0)}
    wide = {v.text for v in _shown(chart.values, len(TIERS) - 1)}
    assert "250" not in narrow and "250" in wide


def test_the_largest_values_are_labelled_first():
    chart = _chart([5, 6, 7, 250, 8, 9, 6, 7, 5, 6, 8, 9, 7, 6, 5, 7, 8, 9, 6, 5], marked=19)
    narrow = [v.text for v in _shown(chart.values, 0)]
    assert "250" in narrow and "5" in narrow  # the peak, and today's
    assert len(narrow) < 20


def test_numbers_are_written_as_in_the_table():
    chart = _chart([1234, 0, 5])
    assert chart.values[0].text == "1,234"
    assert [d.value for d in chart.days] == [1234, 0, 5]


def test_shorten():
    assert shorten("Short", 200) == "Short"
    long = "Which nerve crosses the iliac crest on its way to the skin of the buttock?"
    for budget in (60, 120, 240):
        short = shorten(long, budget)
        assert short.endswith("…") and text_width(short) <= budget
        assert long.startswith(short[:-1])
        assert long[len(short) - 1] == " "  # cut after a whole word
    assert len(shorten(long, 240)) > len(shorten(long, 120)) > len(shorten(long, 60))
    assert shorten(long, 30) == ""  # not "W…"


def _rows(**kwargs):
    rows = [
        Row("1. " + "A question with a very long prompt that will not fit " * 3, 75.0, "75%"),
        Row("2. Short", 50.0, "50%", flag="check"),
        Row("3. Not answered yet", None, "no answers"),
        Row("4. Everyone wrong", 0.0, "0%"),
        Row("5. Everyone right", 100.0, "100%"),
    ]
    return row_chart(rows, caption="Facility", unit="Facility", key_heading="Question", **kwargs)


def test_row_bars_are_in_proportion_to_the_maximum():
    chart = _rows(maximum=100)
    assert [r.width for r in chart.rows] == ["75%", "50%", "", "", "100%"]
    assert [r.flag for r in chart.rows] == ["", "check", "", "", ""] and chart.flagged
    # Without a maximum the largest value fills the track.
    chart = row_chart([Row("a", 2, "2"), Row("b", 8, "8")], caption="c", unit="u", key_heading="k")
    assert [r.width for r in chart.rows] == ["25%", "100%"] and not chart.flagged
    # Rows stack, each with its own line of text and its bar below it.
    assert [r.text_y for r in chart.rows] == [15, 61]
    assert [r.bar_y for r in chart.rows] == [22, 68]
    assert chart.height == 68 + 12


def test_long_row_labels_are_shortened_to_fit_beside_the_value():
    chart = _rows(maximum=100)
    for row in chart.rows:
        value_px = text_width(f"{row.flag} {row.text}" if row.flag else row.text, bold=True)
        for tier, chart_px in enumerate(TIERS):
            (label,) = _shown(row.labels, tier)  # exactly one version at each width
            assert label.x == "0" and label.anchor == "start" and label.dx == EDGE
            assert EDGE + text_width(label.text) + GAP + value_px + EDGE <= chart_px
            assert row.label.startswith(label.text.rstrip("…"))
    first = chart.rows[0]
    assert _shown(first.labels, 0)[0].text.endswith("…")
    narrow, wide = _shown(first.labels, 0)[0].text, _shown(first.labels, len(TIERS) - 1)[0].text
    assert len(wide) > len(narrow)
    # A short label is whole at every width: one <text>, no tier classes.
    assert [(label.text, label.classes) for label in chart.rows[1].labels] == [("2. Short", "")]


def test_no_rows():
    chart = row_chart([], caption="c", unit="u", key_heading="k")
    assert chart.rows == () and chart.height == 0


def test_the_stylesheet_has_a_container_query_for_each_tier():
    css = CSS.read_text()
    queries = re.findall(
        r"@container plot \(min-width: (\d+)px\) \{[^}]*\} \.plot \.tier-(\d) ", css
    )
    assert [(int(t), int(px)) for px, t in queries] == list(enumerate(TIERS))[1:]
    assert ".plot .tier-0 { display: inline; }" in css
