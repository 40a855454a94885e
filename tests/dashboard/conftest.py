import pytest
import time_machine

from .activity import NOW


@pytest.fixture(autouse=True)
def clock():
    """The dashboard's tests run at NOW, so that what factories date "now" (publish
    times, sign-ups) sits where the tests expect it."""
    with time_machine.travel(NOW, tick=False):
        yield
