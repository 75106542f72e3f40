import pytest
import time_machine

from .pool import NOW


@pytest.fixture(autouse=True)
def frozen_time():
    """Every sourcing test runs at a fixed instant (time-machine); tests may move it."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded CSV files go to a temporary folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
