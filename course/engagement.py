"""When reading a lesson counts: the one rule, used by the services, the pages and the API.

A lesson counts as done when the learner has spent a share of its stated reading time on
it, measured on the server, or has answered its self-check. The server measures visits:
serving the lesson (page or API) starts one, and the learner's next recorded event ends
it (the next view of any lesson, or "mark done"). A visit is credited from its start to
that event, but never more than the lesson's full reading time: a tab left open all night
counts once, as one reading. Nothing the client sends is trusted for the time.
"""

from datetime import datetime

from .models import Lesson

# Half the lesson's stated reading time...
READING_SHARE = 0.5
# ...and never less than a minute, so a lesson stated as very short still asks for a look.
MINIMUM_SECONDS = 60


def required_seconds(lesson: Lesson) -> int:
    """How long a learner must have read a lesson before it counts as done."""
    return max(MINIMUM_SECONDS, round(lesson.minutes * 60 * READING_SHARE))


def visit_cap_seconds(lesson: Lesson) -> int:
    """The most one visit can count: the lesson's full reading time (and always enough for
    the rule, however short the stated time)."""
    return max(lesson.minutes * 60, required_seconds(lesson))


def visit_credit(*, lesson: Lesson, started_at: datetime | None, now: datetime) -> int:
    """Seconds a visit begun at `started_at` and ending `now` counts for (0 when no visit
    is open; a clock that went backwards counts nothing)."""
    if started_at is None:
        return 0
    seconds = int((now - started_at).total_seconds())
    return min(max(seconds, 0), visit_cap_seconds(lesson))


def share_in_words() -> str:
    return {0.5: "half", 1.0: "all"}.get(READING_SHARE, f"{READING_SHARE:.0%} of")


def _about_minutes(seconds: int) -> str:
    minutes = max(round(seconds / 60), 0)
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def rule(lesson: Lesson, *, self_check: bool) -> str:
    """The rule in words, as the lesson page and a refusal state it."""
    needed = required_seconds(lesson)
    why = (
        f"{share_in_words()} its {_about_minutes(lesson.minutes * 60)}"
        if needed > MINIMUM_SECONDS
        else "at least a minute, however short the lesson"
    )
    text = f"This lesson counts as done after about {_about_minutes(needed)} of reading ({why})"
    return text + (", or when you answer its self-check." if self_check else ".")


def not_yet_message(lesson: Lesson, *, engaged_seconds: int, self_check: bool) -> str:
    """Why "mark done" was refused, kindly: how long so far, and what counts."""
    if not engaged_seconds:
        so_far = "You've only just opened this lesson."
    elif engaged_seconds < 30:
        so_far = "You've read for less than a minute."
    else:
        so_far = f"You've read for about {_about_minutes(engaged_seconds)}."
    return f"{so_far} {rule(lesson, self_check=self_check)}"
