"""The pain map's three uses on a page, each one tag: a question to answer
(`pain_map_choose`), the locator's links (`pain_map_locator`) and an answered question
with the chosen and the correct regions marked (`pain_map_result`). The drawing's size
and every region's shape come from quizzes.painmap, the one place that holds them."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import template

from ..display import QuestionForm
from ..painmap import BACK_W, BY_KEY, SIDE_W, VIEW_H, Region

register = template.Library()

VIEW = {"back_w": BACK_W, "side_w": SIDE_W, "side_mid": SIDE_W // 2, "h": VIEW_H}
# What _map_shapes.svg.html marks on a region, empty unless a tag says otherwise.
NO_MARKS: dict[str, Any] = {"marked": (), "chosen_keys": (), "correct_keys": ()}


@dataclass(frozen=True)
class Mark:
    """A region of an answered question: did the learner choose it, is it right."""

    region: Region
    chosen: bool
    correct: bool


def _has_side_view(regions: Iterable[Region]) -> bool:
    return any(r.shape.side_path for r in regions)


@register.inclusion_tag("quizzes/_map_choose.html")
def pain_map_choose(form: QuestionForm, disabled: bool = False) -> dict[str, Any]:
    """Native radio buttons or check boxes, one per region, each picked by a click on the
    region on either side (or in the side view) or on its name in the list below."""
    options = [o for o in form.options if o.region is not None]
    regions = [r for r in (o.region for o in options) if r is not None]
    return NO_MARKS | {
        "form": form,
        "options": options,
        "fig": form.name,
        "regions": regions,
        "side_view": _has_side_view(regions),
        "disabled": disabled,
        "view": VIEW,
    }


@register.inclusion_tag("quizzes/_map_locator.html")
def pain_map_locator(
    regions: Iterable[Region],
    selected: str = "",
    highlight: Iterable[str] = (),
    base: str = "",
    fig: str = "locator",
    small: bool = False,
) -> dict[str, Any]:
    """Each region a link to its entry on the pain locator page."""
    regions = list(regions)
    return NO_MARKS | {
        "regions": regions,
        "marked": {selected, *highlight} - {""},
        "selected": selected,
        "base": base,
        "fig": fig,
        "small": small,
        "side_view": _has_side_view(regions),
        "view": VIEW,
    }


@register.inclusion_tag("quizzes/_map_result.html")
def pain_map_result(options: Iterable[Any], name: object) -> dict[str, Any]:
    """The regions offered, with what the learner chose and what was right; `options`
    are a question's options after the answer (each with `.choice` and `.chosen`), `name`
    tells this question's drawing from others on the page."""
    marks = [
        Mark(region=BY_KEY[o.choice.region], chosen=o.chosen, correct=o.choice.is_correct)
        for o in options
        if o.choice.region in BY_KEY
    ]
    return NO_MARKS | {
        "marks": marks,
        "regions": [m.region for m in marks],
        "chosen": [m.region for m in marks if m.chosen],
        "correct": [m.region for m in marks if m.correct],
        "chosen_keys": [m.region.key for m in marks if m.chosen],
        "correct_keys": [m.region.key for m in marks if m.correct],
        "fig": f"answer-{name}",
        "side_view": _has_side_view(m.region for m in marks if m.chosen or m.correct),
        "view": VIEW,
    }
