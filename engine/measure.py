"""Measuring sources: what ``oe scan``, ``oe probe`` and ``oe bench`` report.

    scan_sources()          every registered source: available (or why not), category, native core
    probe_source(name)      one collect: throughput, Shannon, min-entropy, lag-1 autocorrelation, grade
    bench_sources(names)    warm-up + several rounds each: medians, p99 collect time, stability, failures

Entropy figures are computed on the source's *extracted* bytes (after its default
stages, before any hashing), which is what the pool mixes: hashing would make any
input look perfect. ``min_entropy`` is the SP 800-90B assessment (all ten non-IID
estimators, original and bitstring passes, section 3.1.3), ``mcv`` the most-common-value
estimate alone (the figure upstream reports).
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

import numpy as np
from pydantic import ValidationError

from openentropy.pipelines.estimates import mcv_min_entropy, shannon
from openentropy.pipelines.estimators import assess
from openentropy.pipelines.html_table import number, table, verdict
from openentropy.sources.base import EntropySource
from openentropy.sources.registry import get_source_class, source_names

from .collector import Collector
from openentropy.errors import ProfileError
from .extract import extract_bytes
from .loader import error_lines
from .outcome import CollectOutcome, Status
from .profile import SourceSpec

#: Grade thresholds on min-entropy per extracted byte (bits). A: close to full entropy;
#: F: under one bit per byte, the level below which upstream marks a source unhealthy.
GRADES = (("A", 6.0), ("B", 4.0), ("C", 2.0), ("D", 1.0), ("F", 0.0))
#: Fewer extracted bytes than this get no SP 800-90B figure (0): its estimators need
#: enough repeats to say anything (the t-tuple cutoff alone wants 35 occurrences).
MIN_ASSESS_BYTES = 1000
#: |lag-1 autocorrelation| above this caps the grade at D: neighbouring bytes predict each other.
MAX_AUTOCORRELATION = 0.1


def grade(min_entropy: float, autocorrelation: float = 0.0) -> str:
    letter = next(letter for letter, floor in GRADES if min_entropy >= floor)
    if abs(autocorrelation) > MAX_AUTOCORRELATION and letter in "ABC":
        return "D"
    return letter


def lag1_autocorrelation(data: np.ndarray) -> float:
    """Pearson correlation of byte i with byte i+1 (0 when undefined)."""
    x = np.asarray(data, dtype=np.float64)
    if len(x) < 3 or x[:-1].std() == 0 or x[1:].std() == 0:
        return 0.0
    return float(np.corrcoef(x[:-1], x[1:])[0, 1])


@dataclass(frozen=True)
class ScanRow:
    name: str
    category: str
    available: bool
    reason: str
    native: bool
    physical: bool
    description: str
    notes: dict[str, str] = field(default_factory=dict)


def _instantiate(name: str, params: dict | None = None) -> EntropySource:
    cls = get_source_class(name)
    return cls(cls.Params.model_validate(params or {}))


def scan_sources(names: Iterable[str] | None = None) -> list[ScanRow]:
    rows = []
    for name in names or source_names():
        source = _instantiate(name)
        availability = source.available()
        rows.append(
            ScanRow(name, source.info.category.value, availability.ok, availability.reason,
                    source.uses_native, source.info.physical, source.info.description,
                    source.runtime_notes() if availability.ok else {})
        )
    return rows


@dataclass(frozen=True)
class ProbeResult:
    name: str
    status: str
    error: str
    native: bool
    samples: int
    duration_s: float
    samples_per_s: float
    bytes: int
    bytes_per_s: float
    shannon: float
    min_entropy: float
    autocorrelation: float
    grade: str
    mcv: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)

    def _repr_html_(self) -> str:
        return table(
            ["source", "status", "grade", "samples", "samples/s", "bytes/s", "min-entropy (bits/B)", "MCV (bits/B)",
             "shannon (bits/B)", "autocorrelation", "native", "error"],
            [[self.name, verdict(self.status == "ok", yes=self.status, no=self.status), _grade_cell(self.grade),
              self.samples, number(self.samples_per_s, 0), number(self.bytes_per_s, 0), number(self.min_entropy),
              number(self.mcv), number(self.shannon), number(self.autocorrelation, 4), str(self.native), self.error]],
            caption=f"probe: {self.name}",
        )


def _grade_cell(grade: str):
    """A and B green, F red, C and D plain: a letter grade at a glance."""
    return verdict({"A": True, "B": True, "F": False}.get(grade), yes=grade, no=grade, neither=grade)


def source_spec(name: str, samples: int, deadline_s: float, params: dict | None = None) -> SourceSpec:
    """A validated ``SourceSpec``; bad names or params raise ``ProfileError`` (exit 2 in the CLI)."""
    try:
        return SourceSpec(name=name, samples=samples, deadline=deadline_s, params=params or {})
    except ValidationError as error:
        raise ProfileError("; ".join(error_lines(error))) from None


def collect_extracted(
    name: str, samples: int = 20_000, deadline_s: float = 2.0, params: dict | None = None
) -> tuple[CollectOutcome, np.ndarray, bool]:
    """Collect once from ``name`` and apply its extraction stages.

    Returns (the collect's outcome, the extracted bytes (empty unless ok), whether the
    native core sampled). Bad names or params raise ``ProfileError``.
    """
    spec = source_spec(name, samples, deadline_s, params)
    source = spec.source_class(spec.validated_params())
    outcome = Collector(source, name).collect(samples, time.monotonic_ns() + int(deadline_s * 1e9))
    if outcome.status is not Status.OK:
        return outcome, np.empty(0, np.uint8), source.uses_native
    return outcome, extract_bytes(spec.extraction_stages(), outcome.data), source.uses_native


def probe_source(name: str, samples: int = 20_000, deadline_s: float = 2.0, params: dict | None = None) -> ProbeResult:
    """Collect once from ``name`` and measure its extracted bytes."""
    outcome, extracted, native = collect_extracted(name, samples, deadline_s, params)
    if outcome.status is not Status.OK:
        return ProbeResult(name, outcome.status.value, outcome.error, native, 0, outcome.duration_s,
                           0.0, 0, 0.0, 0.0, 0.0, 0.0, "F")
    seconds = max(outcome.duration_s, 1e-9)
    h_min = assess(extracted, 8).min_entropy if len(extracted) >= MIN_ASSESS_BYTES else 0.0
    autocorr = lag1_autocorrelation(extracted)
    return ProbeResult(
        name, "ok", "", native, outcome.samples, outcome.duration_s, outcome.samples / seconds,
        len(extracted), len(extracted) / seconds, shannon(extracted), h_min, autocorr, grade(h_min, autocorr),
        mcv_min_entropy(extracted),
    )


@dataclass(frozen=True)
class BenchRow:
    name: str
    rounds: int
    failures: int
    min_entropy: float
    shannon: float
    samples_per_s: float
    bytes_per_s: float
    p99_collect_s: float
    stability: float
    grade: str
    error: str = ""

    @property
    def entropy_rate(self) -> float:
        """Min-entropy bits per second: min-entropy per byte times bytes per second."""
        return self.min_entropy * self.bytes_per_s

    def to_dict(self) -> dict:
        return {**asdict(self), "entropy_rate": self.entropy_rate}

    def _repr_html_(self) -> str:
        return table(
            ["source", "grade", "rounds", "failures", "min-entropy (bits/B)", "shannon (bits/B)", "samples/s",
             "bytes/s", "entropy rate (bits/s)", "stability", "error"],
            [[self.name, _grade_cell(self.grade), self.rounds, verdict(self.failures == 0, yes="0", no=str(self.failures)),
              number(self.min_entropy), number(self.shannon), number(self.samples_per_s, 0), number(self.bytes_per_s, 0),
              number(self.entropy_rate, 0), number(self.stability), self.error]],
            caption=f"bench: {self.name}",
        )


RANKINGS: dict[str, Callable[[BenchRow], float]] = {
    "min_entropy": lambda row: row.min_entropy,
    "throughput": lambda row: row.bytes_per_s,
    "balanced": lambda row: row.entropy_rate,
}


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)] if ordered else 0.0


def bench_source(name: str, rounds: int = 5, warmup: int = 1, samples: int = 20_000, deadline_s: float = 2.0) -> BenchRow:
    """Warm up, then probe ``rounds`` times; medians, p99 collect time and stability.

    ``stability`` is 1 - (coefficient of variation of min-entropy across rounds),
    clipped to [0, 1]: 1 means every round measured the same.
    """
    for _ in range(warmup):
        probe_source(name, samples, deadline_s)
    results = [probe_source(name, samples, deadline_s) for _ in range(rounds)]
    good = [r for r in results if r.status == "ok"]
    failures = len(results) - len(good)
    if not good:
        return BenchRow(name, rounds, failures, 0.0, 0.0, 0.0, 0.0, _p99([r.duration_s for r in results]), 0.0, "F",
                        results[-1].error or results[-1].status)
    h_mins = [r.min_entropy for r in good]
    mean = statistics.fmean(h_mins)
    spread = statistics.pstdev(h_mins) / mean if mean > 0 else 1.0
    h_min = statistics.median(h_mins)
    autocorr = statistics.median(r.autocorrelation for r in good)
    return BenchRow(
        name, rounds, failures, h_min, statistics.median(r.shannon for r in good),
        statistics.median(r.samples_per_s for r in good), statistics.median(r.bytes_per_s for r in good),
        _p99([r.duration_s for r in results]), max(0.0, min(1.0, 1.0 - spread)), grade(h_min, autocorr),
    )


def rank(rows: list[BenchRow], by: str) -> list[BenchRow]:
    return sorted(rows, key=RANKINGS[by], reverse=True)
