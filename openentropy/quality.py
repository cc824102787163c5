"""Quick looks at sources and bytes, under upstream's names.

    detect_available_sources()   names of the sources that can run on this machine
    quick_shannon(data)          Shannon entropy of the byte histogram, bits per byte
    quick_quality(data)          a small report: Shannon, min-entropy (MCV), compression
                                 ratio, lag-1 autocorrelation and a grade A-F
    run_battery(data)            the 31-test battery (pipelines/battery)
    assess(data, bits=8)         SP 800-90B's ten non-IID estimators and the final figure

All of these measure bytes as given: run them on a source's extracted bytes (before
any hashing), since hashed output looks perfect whatever went in.
"""

from __future__ import annotations

import zlib
from dataclasses import asdict, dataclass

import numpy as np

from openentropy.engine.measure import grade, lag1_autocorrelation, scan_sources
from openentropy.pipelines.battery import BatteryReport
from openentropy.pipelines.battery import run_battery as _run_battery
from openentropy.pipelines.estimates import mcv_min_entropy, shannon
from openentropy.pipelines.estimators import Assessment
from openentropy.pipelines.estimators import assess as _assess


def _bytes(data: bytes | bytearray | memoryview | np.ndarray) -> np.ndarray:
    if isinstance(data, np.ndarray):
        return np.ascontiguousarray(data).view(np.uint8).reshape(-1)
    return np.frombuffer(bytes(data), np.uint8)


def detect_available_sources() -> list[str]:
    """Registry names of every source that can run here (``oe scan --available``)."""
    return [row.name for row in scan_sources() if row.available]


def quick_shannon(data: bytes | np.ndarray) -> float:
    """Shannon entropy of ``data``'s byte histogram, 0..8 bits per byte."""
    return shannon(_bytes(data))


@dataclass(frozen=True)
class QualityReport:
    bytes: int
    shannon: float  # bits per byte, of the histogram
    min_entropy: float  # bits per byte, SP 800-90B most-common-value estimate
    compression_ratio: float  # zlib level 9 output / input: near 1.0 for random bytes
    autocorrelation: float  # lag-1, Pearson
    grade: str  # A-F on min-entropy (oe probe's grades)

    def to_dict(self) -> dict:
        return asdict(self)


def quick_quality(data: bytes | np.ndarray) -> QualityReport:
    """A quick report on ``data``; ``run_battery`` and ``assess`` go much further."""
    array = _bytes(data)
    if len(array) == 0:
        raise ValueError("quick_quality needs at least one byte")
    h_min = mcv_min_entropy(array)
    autocorrelation = lag1_autocorrelation(array)
    ratio = len(zlib.compress(array.tobytes(), 9)) / len(array)
    return QualityReport(len(array), shannon(array), h_min, ratio, autocorrelation, grade(h_min, autocorrelation))


def run_battery(data: bytes | np.ndarray) -> BatteryReport:
    """The 31 tests of the openentropy battery, with upstream's grades and quality score."""
    return _run_battery(_bytes(data))


def assess(data: bytes | np.ndarray, bits: int = 8) -> Assessment:
    """SP 800-90B non-IID assessment of ``data`` as ``bits``-bit symbols (one per byte)."""
    return _assess(_bytes(data), bits)
