"""What a pool reports: per-source bookkeeping and a snapshot of the whole pool.

    SourceHealth  one source's SP 800-90B health, as its monitor says
    SourceState   one source, as the pool keeps it (upstream's ``SourceState`` plus credit
                  and buffer figures); the health fields are filled from the health
                  monitors by ``Harvest.status()``, their one source of truth
    PoolStatus    a frozen snapshot: mode, sources, where every credited bit went, output

Plain data: front-ends read these (``oe pool``, ``/pool/status``, the shell, notebooks)
without touching the pool itself.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

from openentropy.pipelines.html_table import number, table, verdict


def describe_failure(failure: Any | None) -> str:
    """A health failure (``.test``, ``.at`` unix time) as ``"<test> at <ISO time>"``; "" for None."""
    if failure is None:
        return ""
    return f"{failure.test} at {datetime.fromtimestamp(failure.at, timezone.utc).isoformat()}"


@dataclass(frozen=True)
class SourceHealth:
    """One source's SP 800-90B health, read from its monitor (the one source of truth):
    ``Harvest.health()`` for the local monitors, a worker's report for a remote one."""

    name: str
    state: str  # startup | healthy | quarantined
    failures: int
    last_failure: str  # "<test> at <ISO time>", or ""
    h: float  # min-entropy per symbol the tests assume

    @classmethod
    def of(cls, name: str, monitor: Any) -> "SourceHealth":
        """``monitor``'s health (a ``health.HealthMonitor``: state, failures, h) as ``name``'s."""
        last = monitor.failures[-1] if monitor.failures else None
        return cls(name, monitor.state.value, monitor.failure_count, describe_failure(last), monitor.h)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class SourceState:
    """What the pool knows about one source (upstream ``SourceState`` plus credits)."""

    name: str
    weight: float
    physical: bool = True
    total_bytes: int = 0
    credited_bits: float = 0.0
    failures: int = 0
    last_shannon: float = 0.0
    last_min_entropy: float = 0.0
    last_collect_time: float = 0.0
    healthy: bool = False
    health: str = "startup"  # SP 800-90B state: startup | healthy | quarantined
    health_failures: int = 0
    last_health_failure: str = ""  # "<test> at <ISO time>"
    buffered_bytes: int = 0
    buffered_bits: float = 0.0


@dataclass(frozen=True)
class PoolStatus:
    mode: str
    sources: tuple[SourceState, ...]
    buffered_bytes: int
    mixed_bytes: int  # bytes ever added to the buffers
    credited_bits: float  # credited in, over the pool's life
    drawn_bits: float  # credit behind released full-entropy blocks and DRBG seeds
    balance_bits: float  # credit still buffered, carried by the buffered bytes
    bits_out: int  # 8 x output bytes
    output_bytes: int
    blocks: int
    drbg_reseeds: int = 0
    drbg_instantiations: int = 0
    hashed_bits: float = 0.0  # credit hashed into the state with its bytes
    dropped_bits: float = 0.0  # credit dropped with bytes from full buffers
    full_entropy_blocks: int = 0  # blocks released with >= 320 credited bits behind each
    seeded: bool = True  # sha256 mode: the state has absorbed its first 256 credited bits
    forks: int = 0  # times this pool was re-keyed in a forked child

    def to_dict(self) -> dict:
        return asdict(self)

    def __repr__(self) -> str:
        healthy = sum(s.healthy for s in self.sources)
        return (
            f"<PoolStatus mode={self.mode} sources={healthy}/{len(self.sources)} healthy "
            f"balance={self.balance_bits:.0f} bits credited={self.credited_bits:.0f} bits output={self.output_bytes} B>"
        )

    def _repr_html_(self) -> str:
        ledger = table(
            ["mode", "balance (bits)", "credited (bits)", "drawn (bits)", "output (bytes)", "blocks", "DRBG reseeds", "forks"],
            [[self.mode, number(self.balance_bits, 0), number(self.credited_bits, 0), number(self.drawn_bits, 0),
              self.output_bytes, self.blocks, self.drbg_reseeds, self.forks]],
            caption="pool",
        )
        rows = [
            [s.name, _health_cell(s.health), s.weight, number(s.last_min_entropy), number(s.last_shannon),
             number(s.credited_bits, 0), s.total_bytes, s.failures, s.health_failures, s.last_health_failure]
            for s in self.sources
        ]
        sources = table(
            ["source", "health", "weight", "min-entropy (bits/B)", "shannon (bits/B)", "credited (bits)", "bytes",
             "failures", "health failures", "last health failure"],
            rows, caption="sources",
        )
        return ledger + sources


def _health_cell(state: str):
    """healthy: green; quarantined: red; startup: grey."""
    return verdict({"healthy": True, "quarantined": False}.get(state), yes=state, no=state, neither=state)
