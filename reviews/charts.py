"""A small bar chart as numbers for an inline SVG (no JavaScript, no images)."""

from dataclasses import dataclass

WIDTH, HEIGHT, TOP, BOTTOM = 700, 170, 18, 34


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int
    text_x: float


def bar_chart(points: list[tuple[str, int]]) -> dict:
    peak = max([v for _, v in points] + [1])
    slot = WIDTH / max(len(points), 1)
    usable = HEIGHT - TOP - BOTTOM
    bars = []
    for i, (label, value) in enumerate(points):
        h = usable * value / peak
        bars.append(
            Bar(
                x=round(i * slot + slot * 0.15, 1),
                y=round(TOP + usable - h, 1),
                width=round(slot * 0.7, 1),
                height=round(h, 1),
                label=label,
                value=value,
                text_x=round(i * slot + slot / 2, 1),
            )
        )
    return {"bars": bars, "width": WIDTH, "height": HEIGHT, "base": HEIGHT - BOTTOM}
