"""Which questions of a module quiz's pool a sitting presents. Pure logic over ids: no
database, the random source passed in, so that it is tested on its own.

The pool is grouped into near-miss twin groups (cases that differ by one finding). A
sitting takes at most one question of each group while groups last, so a learner who
copies the feedback of one sitting meets the other twin at the next. Among the questions
allowed at each step it prefers, in turn:

1. a question the learner has never been presented, then the one presented longest ago;
2. a question from the lesson with the fewest questions drawn so far (the sitting
   spreads across the module's lessons);
3. chance (the injected `rng`).
"""

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PoolQuestion:
    id: int
    group: int  # the twin group: equal for twins (and their twins, and so on)
    lesson: int | None  # the lesson that teaches it


def twin_groups(ids: Iterable[int], pairs: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Each question's twin group, numbered by the group's smallest id: the connected
    components of the twin relation. A question without twins is a group of its own."""
    parent = {i: i for i in ids}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
        if a in parent and b in parent:
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    return {i: root(i) for i in parent}


def default_draw(pool: Sequence[PoolQuestion]) -> int:
    """Questions per sitting when the editor sets none: one from each twin group."""
    return len({q.group for q in pool})


def draw_questions(
    pool: Sequence[PoolQuestion],
    *,
    count: int,
    last_presented: Mapping[int, datetime],
    rng: random.Random,
) -> list[int]:
    """`count` question ids from `pool` (all of it if smaller), in the pool's order.
    `last_presented` maps a question id to when this learner last met it."""
    # A random rank for each question, drawn once, breaks ties: random among equals, and
    # the same result for the same seed.
    luck = {q.id: rng.random() for q in pool}
    chosen: list[PoolQuestion] = []
    groups_used: set[int] = set()
    per_lesson: dict[int | None, int] = {}
    left = list(pool)
    all_groups = {q.group for q in pool}
    while left and len(chosen) < count:
        # At most one per twin group until every group has given one.
        fresh_groups = groups_used != all_groups
        allowed = [q for q in left if not (fresh_groups and q.group in groups_used)]

        def preference(q: PoolQuestion) -> tuple[bool, float, int, float]:
            seen = last_presented.get(q.id)
            return (
                seen is not None,  # never presented first
                seen.timestamp() if seen is not None else 0.0,  # then longest ago
                per_lesson.get(q.lesson, 0),  # then the lesson least drawn from
                luck[q.id],
            )

        pick = min(allowed, key=preference)
        chosen.append(pick)
        left.remove(pick)
        groups_used.add(pick.group)
        per_lesson[pick.lesson] = per_lesson.get(pick.lesson, 0) + 1
    picked = {q.id for q in chosen}
    return [q.id for q in pool if q.id in picked]
