"""A small bar chart as numbers for an inline SVG (no JavaScript, no images)."""

from dataclasses import dataclass

WIDTH, HEIGHT, TOP, BOTTOM = 700, 190, 26, 36


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # for the table: "Mon 23 Nov"
    short: str  # under the bar: "23"
    value: int
    text_x: float


def bar_chart(points: list[tuple[str, str, int]]) -> dict:
    """points: (label, short label, value)."""
    peak = max([v for _, _, v in points] + [1])
    slot = WIDTH / max(len(points), 1)
    usable = HEIGHT - TOP - BOTTOM
    bars = []
    for i, (label, short, value) in enumerate(points):
        h = usable * value / peak
        bars.append(
            Bar(
                x=round(i * slot + slot * 0.15, 1),
                y=round(TOP + usable - h, 1),
                width=round(slot * 0.7, 1),
                height=round(h, 1),
                label=label,
                short=short,
                value=value,
                text_x=round(i * slot + slot / 2, 1),
            )
        )
    return {"bars": bars, "width": WIDTH, "height": HEIGHT, "base": HEIGHT - BOTTOM}
