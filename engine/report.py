"""``oe report``: measure raw per-source output and pool output, and judge the result.

    gather_profile_inputs(profile)   each source's extracted bytes + the pool's output
    file_input(path) / source_input(name)
    build_report(inputs, ...)        the 31-test battery on each, SP 800-22 and
                                     SP 800-90B where asked
    Report.verdict(spec)             pass/fail of the pool output against the profile's
                                     ``report`` thresholds (grade and tests passed)

Sources are measured on their extracted bytes, before any hashing (hashing would make
any input pass); the pool output is what users get. Only the pool output is gated:
raw timing bytes are expected to fail some tests, and they are shown to be judged by
a person.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from openentropy.pipelines.battery import BatteryReport, run_battery
from openentropy.pipelines.estimators import Assessment, assess
from openentropy.pipelines.sinks import NullSinkSpec
from openentropy.pipelines.sp80022 import run_suite, unpack_bits

from openentropy.errors import OpenEntropyError
from .measure import collect_extracted
from .profile import Profile
from .report_spec import GRADE_ORDER, ReportSpec
from .runner import Harvest

#: Longest a report spends gathering one input before it reports what it has.
GATHER_LIMIT_S = 60.0


@dataclass(frozen=True)
class ReportInput:
    label: str
    kind: str  # "source", "pool" or "file"
    data: np.ndarray  # uint8
    note: str = ""


@dataclass(frozen=True)
class ReportItem:
    input: ReportInput
    battery: BatteryReport
    nist: tuple | None = None
    assessment: Assessment | None = None


@dataclass
class Report:
    title: str
    items: list[ReportItem]
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    def gated_items(self) -> list[ReportItem]:
        """The inputs the thresholds apply to: the pool output, or every input without one."""
        return [item for item in self.items if item.input.kind == "pool"] or self.items

    def verdict(self, spec: ReportSpec) -> list[str]:
        """Why the gated inputs miss the thresholds (empty: the report passes)."""
        problems = []
        for item in self.gated_items():
            battery = item.battery
            if GRADE_ORDER.index(battery.grade) > GRADE_ORDER.index(spec.min_grade):
                problems.append(f"{item.input.label}: battery grade {battery.grade} is below {spec.min_grade}")
            if battery.passed < spec.min_passed:
                problems.append(f"{item.input.label}: {battery.passed} of 31 battery tests passed; need {spec.min_passed}")
        return problems


def _as_bytes(data: bytes | np.ndarray) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype=np.uint8) if not isinstance(data, np.ndarray) else data.astype(np.uint8)


def file_input(path: str) -> ReportInput:
    try:
        return ReportInput(Path(path).name, "file", _as_bytes(Path(path).read_bytes()))
    except OSError as error:
        raise OpenEntropyError(f"cannot read {path}: {error.strerror}") from None


def source_input(name: str, nbytes: int, params: dict | None = None, samples_per_collect: int = 65536) -> ReportInput:
    """Collect from ``name`` until ``nbytes`` extracted bytes (or GATHER_LIMIT_S) are in hand."""
    parts, have, started = [], 0, time.monotonic()
    note = ""
    while have < nbytes and time.monotonic() - started < GATHER_LIMIT_S:
        outcome, data, _ = collect_extracted(name, samples_per_collect, 2.0, params)
        if outcome.status.value != "ok":
            note = f"{outcome.status.value}: {outcome.error}"
            break
        parts.append(data)
        have += len(data)
    if not parts:
        return ReportInput(name, "source", np.empty(0, np.uint8), note or "no data")
    return ReportInput(name, "source", np.concatenate(parts)[:nbytes], note)


def pool_input(profile: Profile, nbytes: int) -> ReportInput:
    """Run the profile's rounds (sinks discarded) and draw ``nbytes`` of pool output."""
    quiet = profile.model_copy(update={"sinks": [NullSinkSpec()], "run": profile.run.model_copy(
        update={"rounds": None, "bytes": None, "bytes_per_round": 1})})
    out = bytearray()
    started = time.monotonic()
    with Harvest(quiet) as harvest:
        for _ in harvest.rounds():
            out += harvest.draw(nbytes - len(out))
            if len(out) >= nbytes or time.monotonic() - started > GATHER_LIMIT_S:
                break
    note = "" if len(out) >= nbytes else f"only {len(out)} of {nbytes} bytes in {GATHER_LIMIT_S:g} s"
    return ReportInput(f"pool ({profile.pool.mode})", "pool", _as_bytes(bytes(out)), note)


def _silent(_: str) -> None:
    pass


def gather_profile_inputs(profile: Profile, progress: Callable[[str], None] = _silent) -> list[ReportInput]:
    """Every source's extracted bytes, then pool output; ``progress`` hears each step."""
    spec = profile.report
    inputs = []
    for number, source in enumerate(profile.sources, 1):
        progress(f"report: collecting {source.name} ({number} of {len(profile.sources)})")
        inputs.append(source_input(source.name, spec.source_bytes, source.params))
    progress(f"report: collecting {spec.pool_bytes:,} bytes of pool output")
    inputs.append(pool_input(profile, spec.pool_bytes))
    return inputs


def build_report(title: str, inputs: list[ReportInput], *, nist: bool = False, min_entropy: bool = True,
                 progress: Callable[[str], None] = _silent) -> Report:
    started = time.monotonic()
    items = []
    for number, entry in enumerate(inputs, 1):
        progress(f"report: testing {entry.label} ({number} of {len(inputs)})")
        battery = run_battery(entry.data)
        suite = tuple(run_suite(unpack_bits(entry.data))) if nist and len(entry.data) else None
        assessment = assess(entry.data, 8) if min_entropy and entry.kind != "pool" and len(entry.data) >= 1000 else None
        items.append(ReportItem(entry, battery, suite, assessment))
    return Report(title, items, time.monotonic() - started)


def record_inputs(inputs: list[ReportInput], folder: Path) -> list[Path]:
    """Write each input's bytes to ``folder/<label>.bin`` (the raw recordings)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for entry in inputs:
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in entry.label).strip("_")
        path = folder / f"{entry.kind}-{safe}.bin"
        path.write_bytes(entry.data.tobytes())
        paths.append(path)
    return paths
