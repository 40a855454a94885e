"""The colour tokens of the site's stylesheet and their WCAG contrast.

The tokens are the custom properties of `:root` in static/css/site.css, light and (under
`prefers-color-scheme: dark`) dark. `PAIRS` names every text-on-background pair the
components use, with the ratio WCAG 2.2 AA asks of it: 4.5 for text, 3 for large text,
focus rings and the edges of controls. The style page shows them; a test holds them.
"""

import re
from dataclasses import dataclass
from pathlib import Path

TEXT, LARGE = 4.5, 3.0

# (foreground, background, minimum ratio, what uses it)
PAIRS: tuple[tuple[str, str, float, str], ...] = (
    ("ink", "bg", TEXT, "body text"),
    ("ink", "surface", TEXT, "text on cards and panels"),
    ("ink", "panel", TEXT, "text on quiet panels and the footer"),
    ("muted", "bg", TEXT, "secondary text"),
    ("muted", "surface", TEXT, "secondary text on cards"),
    ("muted", "panel", TEXT, "secondary text in the footer"),
    ("brand", "bg", TEXT, "links"),
    ("brand", "surface", TEXT, "links on cards"),
    ("brand", "panel", TEXT, "links in the footer"),
    ("brand-strong", "brand-soft", TEXT, "the current page in the menu"),
    ("on-brand", "brand", TEXT, "primary buttons"),
    ("on-brand", "brand-strong", TEXT, "primary buttons, hovered"),
    ("ink", "brand-soft", TEXT, "note callouts, chosen options"),
    ("warn", "warn-soft", TEXT, "red-flag callout titles"),
    ("ink", "warn-soft", TEXT, "red-flag callout text"),
    ("warn", "surface", TEXT, "errors, draft badges"),
    ("surface", "warn", TEXT, "danger buttons, the Again rating"),
    ("ok", "ok-soft", TEXT, "done badges"),
    ("ok", "surface", TEXT, "done notes"),
    ("surface", "ok", TEXT, "the Easy rating"),
    ("disagree", "disagree-soft", TEXT, "'Where experts disagree' titles"),
    ("ink", "disagree-soft", TEXT, "'Where experts disagree' text"),
    ("ink", "note-soft", TEXT, "preview banners"),
    ("line-strong", "surface", LARGE, "edges of inputs and controls"),
    ("brand", "brand-soft", LARGE, "illustration lines on brand tints"),
    ("nerve", "skin", LARGE, "nerves drawn on skin"),
)


@dataclass(frozen=True)
class Check:
    fg: str
    bg: str
    minimum: float
    use: str
    ratio: float

    @property
    def passes(self) -> bool:
        return self.ratio >= self.minimum


def _block(css: str, start: int) -> str:
    """The text between the brace at or after `start` and its match."""
    i = css.index("{", start)
    depth = 0
    for j in range(i, len(css)):
        depth += {"{": 1, "}": -1}.get(css[j], 0)
        if depth == 0:
            return css[i + 1 : j]
    raise ValueError("unbalanced braces")


def _props(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([a-z0-9-]+)\s*:\s*([^;]+);", block))


def tokens(css: str) -> dict[str, dict[str, str]]:
    """{"light": {...}, "dark": {...}}: each scheme's custom properties (dark inherits
    whatever it does not set)."""
    light = _props(_block(css, css.index(":root")))
    media = css.index("@media (prefers-color-scheme: dark)")
    dark_root = _block(css, media)
    dark = {**light, **_props(_block(dark_root, dark_root.index(":root")))}
    return {"light": light, "dark": dark}


def _rgba(value: str) -> tuple[float, float, float, float]:
    value = value.strip()
    if m := re.fullmatch(r"#([0-9a-fA-F]{6})", value):
        h = m.group(1)
        return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), 1.0)
    if m := re.fullmatch(r"rgba?\(([^)]*)\)", value):
        parts = [float(x) for x in m.group(1).replace("/", ",").split(",")]
        return (parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else 1.0)
    raise ValueError(f"not a colour: {value!r}")


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(fg: str, bg: str, under: str = "#ffffff") -> float:
    """WCAG contrast of colour `fg` on `bg`; a translucent colour is first laid on the
    one beneath it (`under` for the background, the background for the foreground)."""

    def flatten(colour: str, base: tuple[float, float, float]) -> tuple[float, float, float]:
        r, g, b, a = _rgba(colour)
        return (r * a + base[0] * (1 - a), g * a + base[1] * (1 - a), b * a + base[2] * (1 - a))

    back = flatten(bg, _rgba(under)[:3])
    front = flatten(fg, back)
    hi, lo = sorted((_luminance(front), _luminance(back)), reverse=True)
    return round((hi + 0.05) / (lo + 0.05), 2)


def checks(css: str) -> dict[str, list[Check]]:
    """Every pair of PAIRS in each scheme, with its ratio."""
    out = {}
    for scheme, values in tokens(css).items():
        out[scheme] = [
            Check(fg, bg, minimum, use, ratio(values[fg], values[bg], values["bg"]))
            for fg, bg, minimum, use in PAIRS
        ]
    return out


def stylesheet_checks(static_root: Path) -> dict[str, list[Check]]:
    return checks((static_root / "css" / "site.css").read_text())
