"""`manage.py bench_memory`: fits a simulated cohort and prints the figures the issue asks
for. A small cohort, so that it runs in a second or two."""

import re
from io import StringIO

from django.core.management import call_command

from accounts.models import User
from reviews.models import Card


def _gain(output: str, label: str) -> float:
    """The last column (default minus fitted) of the line that starts with `label`."""
    line = next(line for line in output.splitlines() if line.strip().startswith(label))
    return float(line.split()[-1])


def test_bench_memory_reports_fit_times_losses_and_memory():
    out = StringIO()
    call_command("bench_memory", learners=12, heavy=1, seed=1, stdout=out)
    output = out.getvalue()
    assert re.search(r"learner, [\d,]+ reviews \(median of 1\)\s+[\d,]+ ms\s+target < 2 s", output)
    assert re.search(r"typical learner, [\d,]+ reviews\s+[\d.]+ ms", output)
    assert re.search(r"cohort fit, [\d,]+ reviews of 12\s+[\d.]+ s", output)
    assert re.search(r"10,000 learners, all refitted\s+[\d,]+ s", output)
    assert re.search(r"10,000 learners, ≥50 new reviews only\s+[\d,]+ s\s+\d+% a night", output)
    assert re.search(r"12 of 12 learners tested, \d+ fits accepted", output)
    assert re.search(r"Peak memory .*12: \d+ MB", output)
    # The cohort's memory is far from the defaults: fitted parameters predict its later
    # reviews better, learner by learner and as a cohort.
    assert _gain(output, "log loss, mean over learners") > 0
    assert _gain(output, "log loss of what is used") > 0
    assert _gain(output, "cohort fit: log loss") > 0
    assert _gain(output, "cohort fit: RMSE") > 0


def test_bench_memory_times_the_nightly_job_on_learners_in_the_database(db):
    out = StringIO()
    call_command("bench_memory", learners=2, heavy=0, seed=2, db_learners=3, stdout=out)
    output = out.getvalue()
    assert re.search(r"The nightly job's work on 3 learners in \w+ \([\d,]+ reviews\)", output)
    assert re.search(r"learners, as a whole\s+[\d.]+ s\s+3 fits kept", output)
    assert re.search(r"10,000 learners, all refitted\s+[\d.,]+ min\s+target < 1 hour", output)
    # Its learners, cards and course are gone afterwards.
    assert not User.objects.filter(email__startswith="bench-fit-").exists()
    assert not Card.objects.exists()
