"""CPU availability for sources that need a helper thread on a second CPU."""

from __future__ import annotations

import os

from .base import AVAILABLE, Availability, unavailable


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
