"""Verification codes: made to be read off paper and typed in by a person.

A code is 20 characters from an alphabet of 31 that leaves out the look-alikes 0, O, 1, I
and L, in five groups of four joined by dashes: `7K4M-Q9XT-2HRW-…`. That is
20 × log2(31) ≈ 99 bits from `secrets`, far past guessing, and the verification pages are
throttled besides.

What a person types is read by one rule (`normalise_code`): case does not matter, and
spaces, dashes, dots and underscores between characters are ignored. The left-out
look-alikes are *not* mapped to anything: none of them is in any new code, so a typed
0, O, 1, I or L can only be a misreading of some other character, and guessing which
would turn one wrong character into a look-up of a different certificate. Such input is
simply not found, and the page says which characters codes never contain.

Codes issued before this (`secrets.token_urlsafe(15)`: letters of both cases, digits, -
and _) stay valid exactly as they were, matched as typed, case and all
(`completion.selectors.certificate_by_code`).
"""

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUPS = 5
GROUP_SIZE = 4
LENGTH = GROUPS * GROUP_SIZE
# Said to a person whose code was not found.
LEFT_OUT = "0, O, 1, I or L"

_SEPARATORS = re.compile(r"[\s\-_.]+")
_CANONICAL = re.compile(
    rf"[{ALPHABET}]{{{GROUP_SIZE}}}(?:-[{ALPHABET}]{{{GROUP_SIZE}}}){{{GROUPS - 1}}}"
)


def new_code() -> str:
    """A fresh code in its printed form, e.g. `7K4M-Q9XT-2HRW-CN5P-8DFZ`."""
    return _grouped("".join(secrets.choice(ALPHABET) for _ in range(LENGTH)))


def normalise_code(typed: str) -> str | None:
    """The printed form of a new-style code as a person typed it (any case, with or
    without dashes or spaces), or None if it cannot be one."""
    characters = _SEPARATORS.sub("", typed).upper()
    if len(characters) != LENGTH or any(c not in ALPHABET for c in characters):
        return None
    return _grouped(characters)


def is_canonical(code: str) -> bool:
    return bool(_CANONICAL.fullmatch(code))


def _grouped(characters: str) -> str:
    return "-".join(characters[i : i + GROUP_SIZE] for i in range(0, len(characters), GROUP_SIZE))
