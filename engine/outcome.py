"""Typed results shared by every front-end: one source's round, one round, a whole run.

    CollectOutcome   what one collect returned (samples or the reason it failed)
    SourceRound      one source's part in one round, after stages and crediting
    RoundResult      one round: sources, bytes out, duration
    SourceData       one source's data in one round (raw samples, mixed bytes), for
                     a harvest's observers (``Harvest.observe``)
    RunSummary       totals over a run, as printed by ``oe run --json``
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from openentropy.pipelines.html_table import number, table, verdict


class Status(str, enum.Enum):
    OK = "ok"
    LATE = "late"  # missed its deadline; the round went on without it
    FAILED = "failed"  # raised an exception
    EMPTY = "empty"  # returned no samples, or nothing was left after its stages
    BUSY = "busy"  # its previous collect has not returned yet
    UNAVAILABLE = "unavailable"  # cannot run on this machine
    STARTUP = "startup"  # passing its SP 800-90B start-up tests; contributes nothing yet
    QUARANTINED = "quarantined"  # failed a health test; contributes nothing until retested

    @property
    def collect_failed(self) -> bool:
        """The collect itself went wrong (late, raised, empty, hung, cannot run). STARTUP
        and QUARANTINED are health states: the data arrived and was held back; the health
        tests count their own failures."""
        return self not in (Status.OK, Status.STARTUP, Status.QUARANTINED)


@dataclass(frozen=True)
class CollectOutcome:
    """A source's data on its way through the round's graph.

    ``shannon``, ``min_entropy`` (bits per byte) and ``credit_bits`` are set by the
    health task, from the symbols before any hashing stage.
    """

    name: str
    status: Status
    data: np.ndarray | None = None
    duration_s: float = 0.0
    error: str = ""
    samples: int = 0
    health: str = ""
    shannon: float = 0.0
    min_entropy: float = 0.0
    credit_bits: float = 0.0

    def with_data(self, data: np.ndarray) -> "CollectOutcome":
        return replace(self, data=data)

    def failed(self, status: Status, error: str) -> "CollectOutcome":
        return replace(self, status=status, data=None, error=error, credit_bits=0.0)


@dataclass(frozen=True)
class SourceRound:
    name: str
    status: Status
    samples: int
    bytes: int
    duration_s: float
    error: str = ""
    shannon: float = 0.0
    min_entropy: float = 0.0
    credited_bits: float = 0.0
    health: str = ""

    @property
    def ok(self) -> bool:
        return self.status is Status.OK


@dataclass(frozen=True)
class SourceData:
    """One source's data in one round, as ``Harvest.observe`` hands it to observers.

    raw          :: np.ndarray | None   the collect's samples before any stage (the
                                        source's dtype, e.g. uint64 timings); None when
                                        the collect failed or the samples stayed where
                                        they were collected (a distributed run)
    conditioned  :: bytes               the bytes mixed into the pool this round, after
                                        the source's stages and the profile's
                                        conditioning; b"" when nothing was mixed (start-up,
                                        quarantine, a failed collect)
    credited_bits :: float              the credit the pool took with those bytes
    status       :: Status              as in the round's ``SourceRound``
    """

    name: str
    status: Status
    raw: np.ndarray | None
    conditioned: bytes
    credited_bits: float


@dataclass(frozen=True)
class RoundResult:
    index: int
    duration_s: float
    bytes_out: int
    sources: tuple[SourceRound, ...]

    @property
    def failures(self) -> tuple[SourceRound, ...]:
        return tuple(s for s in self.sources if not s.ok)

    def __repr__(self) -> str:
        return (
            f"<RoundResult #{self.index} {self.duration_s * 1000:.1f} ms out={self.bytes_out} B "
            f"sources ok={len(self.sources) - len(self.failures)}/{len(self.sources)}>"
        )

    def _repr_html_(self) -> str:
        rows = [
            [s.name, verdict(s.ok, yes=s.status.value, no=s.status.value), s.health, s.samples, s.bytes,
             number(s.duration_s * 1000, 1), number(s.min_entropy), number(s.shannon), number(s.credited_bits, 1), s.error]
            for s in self.sources
        ]
        caption = f"round {self.index}: {self.bytes_out:,} bytes out in {self.duration_s * 1000:.1f} ms"
        return table(
            ["source", "status", "health", "samples", "bytes", "ms", "min-entropy (bits/B)", "shannon (bits/B)",
             "credited (bits)", "error"],
            rows, caption=caption,
        )


@dataclass
class RunSummary:
    profile: str
    rounds: int = 0
    bytes_out: int = 0
    duration_s: float = 0.0
    stopped_by: str = "completed"
    sources: dict[str, dict[str, float | int | str]] = field(default_factory=dict)

    def add(self, result: RoundResult) -> None:
        self.rounds += 1
        self.bytes_out += result.bytes_out
        for s in result.sources:
            row = self.sources.setdefault(
                s.name, {"rounds_ok": 0, "failures": 0, "bytes": 0, "credited_bits": 0.0, "last_status": "", "health": ""}
            )
            row["rounds_ok"] += int(s.ok)
            row["failures"] += int(s.status.collect_failed)
            row["bytes"] += s.bytes
            row["credited_bits"] += s.credited_bits
            row["last_status"] = s.status.value
            row["health"] = s.health
            if s.error:
                row["last_error"] = s.error

    def to_dict(self) -> dict:
        return asdict(self)
