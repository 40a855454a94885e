"""What the quiz app announces, for the apps above it to act on (see course.signals)."""

from django.dispatch import Signal

# Sent inside the transaction that records an attempt, with attempt, now and results
# (a list of (question, answered_right) pairs): a receiver's rows commit with the attempt.
attempt_recorded = Signal()

# Sent once the attempt is recorded and committed, with attempt.
attempt_submitted = Signal()
