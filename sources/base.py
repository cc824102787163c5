"""The contract every entropy source fulfils.

A source is a class with static metadata (``info``), a pydantic ``Params`` model for the
``params:`` mapping a profile may give it, ``available()`` saying whether it can run
here (and why not), and ``collect(n, deadline_ns)`` returning raw samples as a numpy
array. Sources hold no global state and never fake data: a source that cannot run says
so through ``available()`` and ``collect`` raises ``SourceUnavailableError``.

Deadlines are absolute ``time.monotonic_ns()`` values. ``collect`` must stop by itself
at the deadline and return what it has (possibly fewer than ``n`` samples); the engine
also stops waiting for it, but no one can kill a running thread, so a source that
ignores its deadline keeps its worker busy and is marked late round after round.
"""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict


class Category(str, enum.Enum):
    """The physical domain a source draws on (upstream's categories, Linux-first)."""

    TIMING = "timing"
    SCHEDULING = "scheduling"
    IO = "io"
    MICROARCHITECTURE = "microarchitecture"
    SIGNAL = "signal"
    CROSS_DOMAIN = "cross_domain"
    SYSTEM = "system"
    NETWORK = "network"
    HARDWARE = "hardware"
    REFERENCE = "reference"


@dataclass(frozen=True)
class SourceInfo:
    """Static metadata of a source, shown by ``oe scan`` and ``/sources``.

    ``entropy_rate_estimate`` is a rough, declared figure in bits per second; the
    measured figures come from ``oe probe``/``oe bench``. ``physical`` is False for
    reference sources (the OS CSPRNG, hardware RNG instructions) that the pool never
    counts as harvested physical noise. ``activity_driven`` is True for sources whose
    samples appear only when other activity on the machine moves what they observe
    (``process_table``): on an idle machine, or in a container whose PID namespace holds
    a handful of sleeping processes, they can return fewer samples than asked by the
    deadline. That is a short round, never padded with made-up samples.
    """

    name: str
    description: str
    physics: str
    category: Category
    platforms: tuple[str, ...]
    requirements: tuple[str, ...]
    entropy_rate_estimate: float
    physical: bool = True
    activity_driven: bool = False


@dataclass(frozen=True)
class Availability:
    """Whether a source can run here; ``reason`` says why not (empty when it can)."""

    ok: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


AVAILABLE = Availability(True)


def unavailable(reason: str) -> Availability:
    """An ``Availability`` that says no, with the reason a user will read."""
    return Availability(False, reason)


class SourceParams(BaseModel):
    """Base of every source's ``Params`` model: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class EntropySource(ABC):
    """Base class of all sources. Subclasses set ``info`` and implement ``collect``.

    ``default_stages`` lists the conditioning stages (as profile mappings, e.g.
    ``{"type": "delta"}``) that turn this source's raw samples into bytes, used when a
    profile does not give the source its own ``stages``.
    """

    info: ClassVar[SourceInfo]
    Params: ClassVar[type[SourceParams]] = SourceParams
    default_stages: ClassVar[tuple[dict[str, Any], ...]] = ()
    #: Min-entropy per extracted symbol (bits) that the SP 800-90B health-test cutoffs
    #: assume unless a profile says otherwise. Deliberately low: a declared H above the
    #: true one would raise false alarms; below it, faults are still caught, later.
    declared_min_entropy: ClassVar[float] = 1.0

    def __init__(self, params: SourceParams | None = None):
        self.params = params if params is not None else self.Params()

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def uses_native(self) -> bool:
        """True when collect runs in the native timing core."""
        return False

    def available(self) -> Availability:
        """Whether this source can run on this machine; override when it may not."""
        return AVAILABLE

    def runtime_notes(self) -> dict[str, str]:
        """Facts known only at run time (e.g. ``{"io": "O_DIRECT"}``), shown by ``oe scan``."""
        return {}

    @abstractmethod
    def collect(self, n: int, deadline_ns: int) -> np.ndarray:
        """Return up to ``n`` raw samples, stopping by itself at ``deadline_ns``."""
