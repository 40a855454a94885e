"""How much of a lesson counts as reading it."""

READING_SHARE = 0.5
