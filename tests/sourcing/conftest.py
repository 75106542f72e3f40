import pytest
import time_machine

from .pool import NOW


@pytest.fixture(autouse=True)
def frozen_time():
    """Every sourcing test runs at a fixed instant (time-machine); tests may move it."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
