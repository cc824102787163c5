"""Shell tests: a private data directory (history, sessions) and a quick test profile."""

import pytest


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


@pytest.fixture
def quick_profile(tmp_path):
    """os_random and clock_jitter, small rounds, output discarded."""
    path = tmp_path / "quick.yaml"
    path.write_text(
        "name: quick\nsources:\n  - {name: clock_jitter, samples: 2048}\n  - {name: os_random, samples: 1024}\n"
        "sinks:\n  - {type: 'null'}\nrun:\n  rounds: 2\n  bytes_per_round: 256\n"
    )
    return path
