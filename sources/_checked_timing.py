"""``CheckedTimingSource``: a ``TimingSource`` whose ``collect`` refuses to run unavailable.

``TimingSource.collect`` trusts its caller to have asked ``available()`` first. The
memory, microarchitecture and cross-domain sources check again and raise
``SourceUnavailableError`` with the reason, so that a direct call on a machine that
cannot run them (too few CPUs, no native core, no Python sampler) never returns data.
"""

from __future__ import annotations

import os

import numpy as np

from openentropy.engine.errors import SourceUnavailableError

from .base import AVAILABLE, Availability, unavailable
from .timing_source import TimingSource


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask, not the machine's total)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def needs_two_cpus(what: str) -> Availability:
    """Available when a helper thread can run on a second CPU beside the sampler."""
    cpus = usable_cpus()
    if cpus < 2:
        return unavailable(f"needs 2 CPUs for {what}; this process may use {cpus}")
    return AVAILABLE


class CheckedTimingSource(TimingSource):
    def collect(self, n: int, deadline_ns: int) -> np.ndarray:
        availability = self.available()
        if not availability:
            raise SourceUnavailableError(f"{self.name}: {availability.reason}")
        return super().collect(n, deadline_ns)
