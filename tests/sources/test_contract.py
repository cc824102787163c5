"""The contract every registered source fulfils, run over the whole registry.

Each source gets the same checks: complete metadata, a registry key equal to its name,
valid default stages; when available, the requested count within its deadline plus a
small grace, a stop at the deadline when asked for far too much, and output that is not
constant; when unavailable, a reason and no data. Activity-driven sources (they watch
other processes) are checked while a busy child process gives them something to watch:
in CI's near-empty PID namespace they would otherwise, rightly, deliver almost nothing.
"""

import time

import numpy as np
import pytest
from pydantic import TypeAdapter

from openentropy.errors import SourceUnavailableError
from openentropy.pipelines.stages import StageSpec
from openentropy.sources import get_source_class, source_names
from openentropy.sources.base import Category, EntropySource

NAMES = source_names()
#: Past the deadline a source may take this long to notice and return: one sample of
#: the slowest sources (a sleep, a disk read) plus thread wake-up on a loaded machine.
GRACE_S = 0.25
SMALL = 64  # samples every available source must deliver within its deadline
DEADLINE_S = 3.0


def make(name: str) -> EntropySource:
    cls = get_source_class(name)
    return cls(cls.Params())


def available(name: str) -> bool:
    return bool(make(name).available())


def collect_timed(source: EntropySource, n: int, deadline_s: float) -> tuple[np.ndarray, float]:
    started = time.monotonic_ns()
    data = source.collect(n, started + int(deadline_s * 1e9))
    return np.asarray(data), (time.monotonic_ns() - started) / 1e9


@pytest.mark.parametrize("name", NAMES)
def test_metadata_is_complete(name):
    cls = get_source_class(name)
    info = cls.info
    assert info.name == name
    assert info.description and len(info.physics) >= 80
    assert isinstance(info.category, Category)
    assert info.platforms and all(isinstance(p, str) for p in info.platforms)
    assert isinstance(info.requirements, tuple)
    assert info.entropy_rate_estimate > 0
    assert cls.default_stages, "a source declares its default extraction stages"
    for stage in cls.default_stages:
        TypeAdapter(StageSpec).validate_python(stage)
    cls.Params()  # every option has a default


def check_delivers_within_deadline(name: str, source: EntropySource) -> None:
    data, elapsed = collect_timed(source, SMALL, DEADLINE_S)
    assert data.ndim == 1 and len(data) == SMALL, f"{name} returned {len(data)} of {SMALL}"
    assert elapsed < DEADLINE_S + GRACE_S
    assert np.issubdtype(data.dtype, np.integer)


def check_stops_at_deadline(name: str, source: EntropySource) -> None:
    data, elapsed = collect_timed(source, 50_000_000, 0.1)
    assert elapsed < 0.1 + GRACE_S, f"{name} took {elapsed:.3f} s for a 0.1 s deadline"
    # activity-driven sources may have nothing yet after 0.1 s
    assert len(data) < 50_000_000


def check_not_constant(name: str, source: EntropySource) -> None:
    for _attempt in range(2):  # a second look before failing
        data, _ = collect_timed(source, 512, DEADLINE_S)
        if len(np.unique(data)) > 1:
            return
    pytest.fail(f"{name} returned constant output twice")


def check_unavailable(name: str, source: EntropySource) -> None:
    reason = source.available().reason
    assert len(reason) > 10, f"{name}: the reason must tell the user what is missing"
    with pytest.raises(SourceUnavailableError):
        source.collect(16, time.monotonic_ns() + 10**8)


@pytest.mark.parametrize("name", NAMES)
def test_source_honours_the_contract(name, request):
    """Available here: delivers on time, stops at the deadline, varies. Unavailable: says why, gives nothing."""
    source = make(name)
    if source.info.activity_driven:
        request.getfixturevalue("busy_process")
    if source.available():
        check_delivers_within_deadline(name, source)
        check_stops_at_deadline(name, source)
        check_not_constant(name, source)
    else:
        check_unavailable(name, source)
