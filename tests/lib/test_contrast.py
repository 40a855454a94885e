"""Every text colour of the stylesheet meets WCAG AA on the backgrounds it is used on,
in light and in dark."""

from pathlib import Path

import pytest

from lib.contrast import PAIRS, checks, ratio, stylesheet_checks, tokens

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_the_ratio_matches_wcag_reference_values():
    assert ratio("#000000", "#ffffff") == 21.0
    assert ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the AA grey
    assert ratio("#ffffff", "#ffffff") == 1.0
    # A translucent fill is laid on what is beneath it first.
    half = ratio("#000000", "rgba(0, 0, 0, .5)", under="#ffffff")
    assert half == pytest.approx(ratio("#000000", "#808080"), abs=0.1)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_pair_in_the_stylesheet_meets_aa(scheme):
    failing = [
        f"{c.fg} on {c.bg} ({c.use}): {c.ratio} < {c.minimum}"
        for c in stylesheet_checks(STATIC)[scheme]
        if not c.passes
    ]
    assert not failing, "\n".join(failing)


def test_dark_mode_sets_its_own_colours_for_every_pair():
    values = tokens((STATIC / "css" / "site.css").read_text())
    used = {name for fg, bg, _, _ in PAIRS for name in (fg, bg)}
    assert used <= set(values["light"])
    assert all(values["dark"][name] != values["light"][name] for name in used - {"focus"})


def test_a_failing_pair_is_caught():
    css = """:root { --ink: #777777; --bg: #888888; }
    @media (prefers-color-scheme: dark) { :root { --ink: #ffffff; } }"""
    names = {name for fg, bg, _, _ in PAIRS for name in (fg, bg)}
    filler = "".join(f"--{n}: #000000;" for n in names - {"ink", "bg"})
    css = css.replace("--bg: #888888;", "--bg: #888888;" + filler)
    light = {(c.fg, c.bg): c for c in checks(css)["light"]}
    assert not light[("ink", "bg")].passes
