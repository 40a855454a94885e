"""The draw of a sitting from a module quiz's pool: pure logic over ids, no database."""

import random
from datetime import UTC, datetime, timedelta

from quizzes.draw import PoolQuestion, default_draw, draw_questions, twin_groups

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def pairs_pool(pairs: int, lessons: int = 1) -> list[PoolQuestion]:
    """Questions 1..2n in twin pairs (1, 2), (3, 4), ...; pair k teaches lesson k % lessons."""
    return [
        PoolQuestion(id=i, group=(i + 1) // 2, lesson=((i + 1) // 2) % lessons)
        for i in range(1, 2 * pairs + 1)
    ]


def test_twin_groups_are_the_connected_twins():
    groups = twin_groups([1, 2, 3, 4, 5, 6], [(1, 2), (2, 3), (3, 2), (5, 6)])
    assert groups == {1: 1, 2: 1, 3: 1, 4: 4, 5: 5, 6: 5}


def test_default_draw_is_one_per_twin_group():
    assert default_draw(pairs_pool(4)) == 4


def test_pairs_give_complementary_sittings():
    pool = pairs_pool(5)
    for seed in range(20):
        first = draw_questions(pool, count=5, last_presented={}, rng=random.Random(seed))
        assert len({(q + 1) // 2 for q in first}) == 5  # one twin of each pair
        seen = dict.fromkeys(first, T0)
        retake = draw_questions(pool, count=5, last_presented=seen, rng=random.Random(seed + 1))
        assert set(retake) == set(range(1, 11)) - set(first)  # the other twins


def test_never_presented_first_then_the_longest_ago():
    pool = [PoolQuestion(id=i, group=i, lesson=None) for i in range(1, 5)]
    seen = {1: T0, 2: T0 + timedelta(days=2), 3: T0 + timedelta(days=1)}
    assert draw_questions(pool, count=1, last_presented=seen, rng=random.Random(0)) == [4]
    seen[4] = T0 + timedelta(days=3)
    assert draw_questions(pool, count=2, last_presented=seen, rng=random.Random(0)) == [1, 3]


def test_when_the_unseen_run_out_the_least_recent_come_back():
    pool = pairs_pool(3)
    # Every question met; pair members 2, 3 and 6 longest ago.
    seen = {1: T0 + timedelta(days=5), 2: T0, 3: T0, 4: T0 + timedelta(days=5)}
    seen |= {5: T0 + timedelta(days=5), 6: T0 + timedelta(days=1)}
    assert draw_questions(pool, count=3, last_presented=seen, rng=random.Random(3)) == [2, 3, 6]


def test_a_sitting_spreads_across_lessons():
    # Four pairs: the first three teach lesson 0, the last lesson 1. Two questions drawn:
    # whatever the luck, one comes from each lesson.
    pool = [PoolQuestion(id=i, group=(i + 1) // 2, lesson=0 if i <= 6 else 1) for i in range(1, 9)]
    for seed in range(30):
        drawn = draw_questions(pool, count=2, last_presented={}, rng=random.Random(seed))
        assert {0 if q <= 6 else 1 for q in drawn} == {0, 1}


def test_at_most_one_per_group_while_groups_last_then_more():
    pool = pairs_pool(2)
    three = draw_questions(pool, count=3, last_presented={}, rng=random.Random(1))
    assert len(three) == 3 and {(q + 1) // 2 for q in three} == {1, 2}
    assert draw_questions(pool, count=10, last_presented={}, rng=random.Random(1)) == [1, 2, 3, 4]


def test_same_seed_same_draw_and_chance_among_equals():
    pool = pairs_pool(6, lessons=2)
    draws = {
        tuple(draw_questions(pool, count=6, last_presented={}, rng=random.Random(seed)))
        for seed in range(40)
    }
    again = draw_questions(pool, count=6, last_presented={}, rng=random.Random(7))
    assert again == draw_questions(pool, count=6, last_presented={}, rng=random.Random(7))
    assert len(draws) > 10  # equals are chosen at random, not always the first twin
    assert all(list(d) == sorted(d) for d in draws)  # shown in the pool's order
