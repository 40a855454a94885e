"""The one error type services raise: what went wrong, in the course's words.

A service says *what kind* of thing went wrong (no such card, enrol first, already
recorded) and a message a learner understands; it knows nothing of HTTP. The API's one
exception handler (`config.errors.api_exception_handler`) turns a kind into a status,
and pages turn it into a message or a 404."""

from enum import StrEnum
from typing import Any


class ErrorKind(StrEnum):
    INVALID = "invalid"  # what was sent does not fit the rules
    SIGN_IN = "sign_in"  # only a signed-in learner may do this
    NOT_ALLOWED = "not_allowed"  # signed in, but not allowed (enrol first)
    NOT_FOUND = "not_found"  # no such thing, or none this learner may see
    ALREADY_DONE = "already_done"  # a repeat of something recorded before
    STALE = "stale"  # made against an older state of the thing, which has changed since
    NOT_YET = "not_yet"  # allowed later, not now (a lesson read too briefly to count as done)
    COOLING_DOWN = "cooling_down"  # a retake before the cool-down after a fail has passed


class AppError(Exception):
    """An operation refused. `message` is plain words for the learner; `extra` holds
    the facts a client needs to carry on (the card's review count now, the attempt a
    repeated submission became), as JSON-ready values."""

    kind: ErrorKind = ErrorKind.INVALID

    def __init__(
        self, message: str, kind: ErrorKind | None = None, *, extra: dict[str, Any] | None = None
    ):
        super().__init__(message)
        self.message = message
        if kind is not None:
            self.kind = kind
        self.extra = extra or {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, kind={self.kind.value!r})"
