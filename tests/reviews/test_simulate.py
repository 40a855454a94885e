"""The simulated learner: histories drawn from known parameters, scheduled as our site
schedules a learner with the defaults."""

from datetime import UTC, datetime, timedelta

from reviews.memory import DEFAULT_PARAMETERS
from reviews.simulate import simulate_histories

START = datetime(2026, 1, 5, 18, 0, tzinfo=UTC)


def _day_reviews(histories):
    """(recalled, days since the review before) for reviews a day or more apart."""
    return [
        (later[0] > 1, (later[1] - earlier[1]).days)
        for history in histories
        for earlier, later in zip(history, history[1:], strict=False)
        if (later[1] - earlier[1]).days > 0
    ]


def test_the_same_seed_gives_the_same_histories_and_another_seed_others():
    one = simulate_histories(DEFAULT_PARAMETERS, cards=30, days=60, seed=7, start=START)
    assert one == simulate_histories(DEFAULT_PARAMETERS, cards=30, days=60, seed=7, start=START)
    assert one != simulate_histories(DEFAULT_PARAMETERS, cards=30, days=60, seed=8, start=START)


def test_histories_are_ordered_rated_and_inside_the_days():
    histories = simulate_histories(DEFAULT_PARAMETERS, cards=50, days=90, seed=1, start=START)
    assert len(histories) == 50
    end = START + timedelta(days=90)
    for history in histories:
        assert history, "every card is reviewed at least once"
        times = [at for _, at in history]
        assert times == sorted(times)
        assert times[0] >= START and times[-1] < end
        assert {rating for rating, _ in history} <= {1, 2, 3, 4}
    # Cards come in over the first half of the days, not all on day one.
    firsts = {history[0][1].date() for history in histories}
    assert len(firsts) > 20
    assert max(firsts) < (START + timedelta(days=46)).date()


def test_a_learner_who_follows_the_defaults_recalls_at_the_desired_retention():
    # The schedule is made by the defaults, so a learner whose memory follows them too
    # recalls about as often as the schedule aims for.
    for retention in (0.9, 0.8):
        reviews = _day_reviews(
            simulate_histories(
                DEFAULT_PARAMETERS,
                cards=600,
                days=150,
                seed=3,
                desired_retention=retention,
                start=START,
            )
        )
        recalled = sum(r for r, _ in reviews) / len(reviews)
        assert abs(recalled - retention) < 0.03, (retention, recalled)


def test_a_learner_with_a_weaker_memory_recalls_less_than_the_schedule_aims_for():
    weaker = list(DEFAULT_PARAMETERS)
    weaker[8] = 1.2  # less stability gained at each recall than the defaults expect
    reviews = _day_reviews(simulate_histories(weaker, cards=600, days=150, seed=3, start=START))
    recalled = sum(r for r, _ in reviews) / len(reviews)
    assert recalled < 0.87
