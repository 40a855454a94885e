"""Bar charts drawn on the server as inline SVG, for any width from 320 to 1440 px.

Two kinds: columns (one per day, `column_chart`) and rows (one labelled bar per row,
`row_chart`), both rendered by templates/includes/chart.html.

There is no viewBox: one SVG unit is one CSS pixel, so text keeps its size however wide
the chart is drawn. Positions and widths across the chart are percentages of its width;
positions down it are pixels (the chart's height is fixed). The width is not known here,
so each label is laid out for a few widths (TIERS) and carries the classes of the tiers at
which it fits without being clipped or touching a neighbour; a container query in
static/css/charts.css shows it only at those widths. A layout checked at a tier's
narrowest width holds at any wider one, as the gaps between labels only grow.

Text is measured with DejaVu Sans (lib/fonts), which is wider than the fonts browsers
usually draw with, plus a margin: a label is never wider on screen than measured here.

The SVG is for the eye (aria-hidden); the include gives the same numbers as a table.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from reportlab.pdfbase.pdfmetrics import stringWidth

from lib.fonts import FALLBACK, FALLBACK_BOLD, register_fonts

FONT_PX = 13  # the charts' text size, set on the SVG element
# Narrowest chart width of each tier, in px; charts.css has one container query for each
# tier but the first. 240 px is the chart inside its frame on a 320 px phone.
TIERS = (240, 300, 360, 420, 480, 600, 760, 960)
GAP = 6  # px kept clear between two labels side by side
EDGE = 1  # px between a label and the chart's edge: browsers place text to a fraction of a px
MEASURE_MARGIN = 1.08

# Columns: values above the bars, the day labels under the baseline.
COLUMN_TOP = 22  # room for the value above the tallest bar
COLUMN_PLOT = 120
BASELINE = COLUMN_TOP + COLUMN_PLOT
COLUMN_HEIGHT = BASELINE + 26
MIN_BAR_PX = 2.0  # a value of 1 beside one of 500 still shows as a bar
BAR_SHARE = 0.7  # of each day's slot; the rest is space between bars

# Rows: the label (left) and the value (right) on one line, the bar under them.
ROW_HEIGHT = 46
ROW_TEXT_Y = 15
ROW_BAR_Y = 22
ROW_BAR_PX = 12

Anchor = Literal["start", "middle", "end"]


def text_width(text: str, *, bold: bool = False) -> float:
    """The width in px of `text` at the charts' size, erring wide."""
    register_fonts()
    return stringWidth(text, FALLBACK_BOLD if bold else FALLBACK, FONT_PX) * MEASURE_MARGIN


def _pct(fraction: float) -> str:
    return f"{100 * fraction:.3f}".rstrip("0").rstrip(".") + "%"


def _tier_classes(tiers: set[int]) -> str:
    if tiers >= set(range(len(TIERS))):
        return ""  # shown at every width
    return " ".join(["tiered", *(f"tier-{t}" for t in sorted(tiers))])


@dataclass(frozen=True)
class Label:
    """One <text>: x a percentage of the chart's width, y its baseline in px."""

    text: str
    x: str
    y: float
    anchor: Anchor
    classes: str  # the tiers it is shown at ("" when at every width)
    marked: bool = False

    @property
    def dx(self) -> int:
        """A shift in px off the edge it is anchored to."""
        return {"start": EDGE, "middle": 0, "end": -EDGE}[self.anchor]


# --- Columns ------------------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    label: str  # the table's row heading: "Mon 23 Nov"
    short: str  # under the bar: "23"
    value: int
    marked: bool = False  # today: highlighted, and its value shown even when zero


@dataclass(frozen=True)
class Column:
    x: str
    width: str
    y: float
    height: float
    marked: bool


@dataclass(frozen=True)
class ColumnChart:
    caption: str
    key_heading: str  # the table's first column: "Day"
    unit: str  # the table's second column: "Reviews"
    days: tuple[Day, ...]
    columns: tuple[Column, ...]
    values: tuple[Label, ...]
    ticks: tuple[Label, ...]
    band: Column | None  # behind the marked day, from top to bottom
    kind: str = "columns"
    height: int = COLUMN_HEIGHT
    baseline: int = BASELINE
    font_px: int = FONT_PX

    @property
    def axis_y(self) -> float:
        return self.baseline + 0.5  # a one-pixel line drawn on whole pixels


@dataclass(frozen=True)
class _Slot:
    index: int
    text: str
    left: float  # fraction of the chart's width where the slot starts
    right: float  # and ends
    width: float  # px, measured
    y: float
    marked: bool = False
    weight: float = 0  # the larger, the sooner it is given room


def _place(slot: _Slot, chart_px: float) -> tuple[Anchor, float, float] | None:
    """Centred on its slot if it fits in the chart, else against the slot's outer edge
    (EDGE px in); with its extent in px. None if it cannot fit at this width."""
    centre = (slot.left + slot.right) / 2 * chart_px
    start, end = centre - slot.width / 2, centre + slot.width / 2
    if start >= EDGE and end <= chart_px - EDGE:
        return "middle", start, end
    if start < EDGE:
        start = slot.left * chart_px + EDGE
        fits = start + slot.width <= chart_px - EDGE
        return ("start", start, start + slot.width) if fits else None
    end = slot.right * chart_px - EDGE
    return ("end", end - slot.width, end) if end - slot.width >= EDGE else None


def _apart(extents: Sequence[tuple[float, float]]) -> bool:
    ordered = sorted(extents)
    return all(a[1] + GAP <= b[0] for a, b in zip(ordered, ordered[1:], strict=False))


# Label every day if they fit, else every other, every third, every week, every fortnight.
STEPS = (1, 2, 3, 7, 14)


def _spread(slots: Sequence[_Slot], positions: int, keep: int) -> list[Label]:
    """The labels to show at each tier: the one at `keep` (the marked day) whenever it
    fits, and every step-th position counted from it with the smallest step at which
    none overlap; a label in the way of the kept one makes way for it."""
    shown: dict[tuple[int, Anchor], set[int]] = defaultdict(set)
    by_index = {slot.index: slot for slot in slots}
    steps = [s for s in STEPS if s < positions] + [max(positions, 1)]
    for tier, chart_px in enumerate(TIERS):
        kept = by_index.get(keep)
        kept_at = _place(kept, chart_px) if kept else None
        for step in steps:
            placed = [
                (slot.index, where)
                for slot in slots
                if (slot.index - keep) % step == 0 and (where := _place(slot, chart_px))
            ]
            if kept_at:
                placed = [
                    (index, where)
                    for index, where in placed
                    if index == keep or _apart([kept_at[1:], where[1:]])
                ]
            # The last step leaves at most the kept label: the loop ends there at the latest.
            if _apart([where[1:] for _, where in placed]):
                break
        for index, (anchor, _, _) in placed:
            shown[index, anchor].add(tier)
    return _labels(shown, by_index)


def _labels(shown: dict[tuple[int, Anchor], set[int]], by_index: dict[int, _Slot]) -> list[Label]:
    labels = []
    for (index, anchor), tiers in sorted(shown.items()):
        slot = by_index[index]
        x = {"start": slot.left, "middle": (slot.left + slot.right) / 2, "end": slot.right}
        labels.append(
            Label(slot.text, _pct(x[anchor]), slot.y, anchor, _tier_classes(tiers), slot.marked)
        )
    return labels


TEXT_ABOVE = FONT_PX  # px a line of text reaches above its baseline, at most
TEXT_BELOW = 4  # and below it


def _values(slots: Sequence[_Slot], columns: Sequence[tuple[float, float, float]]) -> list[Label]:
    """The values above the columns to show at each tier: the marked day's, then the
    largest first, each unless it would touch a value already shown or run into a column
    beside its own. `columns`: each column's left and right (fractions of the width) and
    top (px). Values at different heights may sit side by side."""
    shown: dict[tuple[int, Anchor], set[int]] = defaultdict(set)
    order = sorted(slots, key=lambda slot: (not slot.marked, -slot.weight, slot.index))
    for tier, chart_px in enumerate(TIERS):
        placed: list[tuple[_Slot, float, float]] = []
        for slot in order:
            where = _place(slot, chart_px)
            if where is None:
                continue
            anchor, start, end = where
            clear_of_values = all(
                end + GAP <= other_start
                or other_end + GAP <= start
                or abs(slot.y - other.y) >= TEXT_ABOVE + TEXT_BELOW + 2
                for other, other_start, other_end in placed
            )
            clear_of_columns = all(
                i == slot.index
                or right * chart_px <= start
                or end <= left * chart_px
                or top >= slot.y + TEXT_BELOW + 1
                for i, (left, right, top) in enumerate(columns)
            )
            if clear_of_values and clear_of_columns:
                placed.append((slot, start, end))
                shown[slot.index, anchor].add(tier)
    return _labels(shown, {slot.index: slot for slot in slots})


def column_chart(
    days: Sequence[Day], *, caption: str, unit: str, key_heading: str = "Day"
) -> ColumnChart:
    """Columns, one per day, their heights proportional to the values (the tallest fills
    the plot); a non-zero value is never drawn thinner than MIN_BAR_PX."""
    n = len(days)
    peak = max([d.value for d in days] + [1])
    slot = 1 / n if n else 1.0
    inset = slot * (1 - BAR_SHARE) / 2  # between the slot's edge and its column's
    keep = next((i for i, d in enumerate(days) if d.marked), 0)
    columns, spans, value_slots, tick_slots = [], [], [], []
    band = None
    for i, day in enumerate(days):
        height = 0.0
        if day.value > 0:
            height = round(max(COLUMN_PLOT * day.value / peak, MIN_BAR_PX), 2)
        left, right, top = i * slot, (i + 1) * slot, round(BASELINE - height, 2)
        columns.append(Column(_pct(left + inset), _pct(slot - 2 * inset), top, height, day.marked))
        spans.append((left + inset, right - inset, top))
        if day.marked:
            band = Column(_pct(left), _pct(slot), 0, COLUMN_HEIGHT, True)
        if day.value or day.marked:
            text = f"{day.value:,}"
            width = text_width(text, bold=True)
            value_slots.append(_Slot(i, text, left, right, width, top - 5, day.marked, day.value))
        width = text_width(day.short, bold=day.marked)
        tick_slots.append(_Slot(i, day.short, left, right, width, BASELINE + 18, day.marked))
    return ColumnChart(
        caption=caption,
        key_heading=key_heading,
        unit=unit,
        days=tuple(days),
        columns=tuple(columns),
        values=tuple(_values(value_slots, spans)),
        ticks=tuple(_spread(tick_slots, n, keep)),
        band=band,
    )


# --- Rows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: str  # "3. Which nerve crosses the iliac crest?"
    value: float | None  # None: nothing to show yet, and no bar
    text: str  # the value as shown: "75%"
    flag: str = ""  # a short warning beside the value and in the table: "check"


@dataclass(frozen=True)
class RowBar:
    label: str  # in full, for the table and the tooltip
    text: str
    flag: str
    labels: tuple[Label, ...]  # the label, shortened to fit at each tier
    text_y: float
    bar_y: float
    width: str  # of the bar, "" for none


@dataclass(frozen=True)
class RowChart:
    caption: str
    key_heading: str
    unit: str
    flag_heading: str
    rows: tuple[RowBar, ...]
    height: int
    kind: str = "rows"
    bar_px: int = ROW_BAR_PX
    font_px: int = FONT_PX
    edge_px: int = EDGE

    @property
    def flagged(self) -> bool:
        return any(row.flag for row in self.rows)


def shorten(text: str, budget: float) -> str:
    """`text` if it fits in `budget` px, else as much of it as fits followed by an
    ellipsis, ending on a whole word when one ends near the cut; "" if too little fits."""
    if text_width(text) <= budget:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with its ellipsis
        middle = (low + high + 1) // 2
        if text_width(text[:middle].rstrip() + "…") <= budget:
            low = middle
        else:
            high = middle - 1
    cut = text[:low]
    space = cut.rfind(" ")
    if space > 0.7 * low:
        cut = cut[:space]
    cut = cut.rstrip(" ,;:.-–—")
    return cut + "…" if len(cut) >= 3 else ""  # "W…" says nothing


def row_chart(
    rows: Sequence[Row],
    *,
    caption: str,
    unit: str,
    key_heading: str,
    flag_heading: str = "Note",
    maximum: float | None = None,
) -> RowChart:
    """A bar per row, its length proportional to the value over `maximum` (by default the
    largest value), the label shortened at narrow widths to leave room for the value."""
    peak = maximum or max([r.value for r in rows if r.value is not None] + [0]) or 1
    bars = []
    for i, row in enumerate(rows):
        top = i * ROW_HEIGHT
        value_px = text_width(f"{row.flag} {row.text}" if row.flag else row.text, bold=True)
        variants: dict[str, set[int]] = defaultdict(set)
        for tier, chart_px in enumerate(TIERS):
            if short := shorten(row.label, chart_px - value_px - 2 * GAP):
                variants[short].add(tier)
        labels = tuple(
            Label(short, "0", top + ROW_TEXT_Y, "start", _tier_classes(tiers))
            for short, tiers in variants.items()
        )
        share = 0.0 if row.value is None else min(max(row.value / peak, 0.0), 1.0)
        bars.append(
            RowBar(
                label=row.label,
                text=row.text,
                flag=row.flag,
                labels=labels,
                text_y=top + ROW_TEXT_Y,
                bar_y=top + ROW_BAR_Y,
                width=_pct(share) if share else "",
            )
        )
    return RowChart(
        caption=caption,
        key_heading=key_heading,
        unit=unit,
        flag_heading=flag_heading,
        rows=tuple(bars),
        height=max(len(rows) * ROW_HEIGHT - (ROW_HEIGHT - ROW_BAR_Y - ROW_BAR_PX), 0),
    )
