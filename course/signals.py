"""What the course app announces, for the apps above it to act on.

The course app knows nothing of review cards or certificates; the reviews and completion
apps connect receivers to these in their AppConfig.ready(). Receivers run in the
sender's thread, and an exception in one propagates (`send`, not `send_robust`), so
a failure rolls back what the sender was doing.
"""

from django.dispatch import Signal

# Sent inside the transaction that marks a lesson done for the first time, with
# user, lesson and now: what is created here commits or rolls back with the progress row.
lesson_first_done = Signal()

# Sent after a lesson is marked done (first time or again) and committed, with user,
# course and now: the moment to decide whether the course is now complete.
lesson_done = Signal()
