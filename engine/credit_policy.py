"""A round's policy for one source: from its raw samples to a status and a credit.

    judge(spec, monitor, raw) -> CollectOutcome
        canonical symbols  the source's own extraction stages on the raw samples
                           (``SourceSpec.canonical_stages``), whatever stages a profile
                           sets for mixing: a profile decides which bytes are mixed,
                           never what is tested or credited
        health             the monitor's verdict (SP 800-90B RCT and APT, start-up,
                           quarantine, repeated raw blocks: health.py)
        credit             on the accepted symbols, the smallest of
                             estimate x bytes   the round's min-entropy per byte
                                                (``health.estimate``: online, or the full
                                                SP 800-90B assessment)
                             H x samples        H: the min-entropy per symbol the health
                                                tests assume; at most one symbol per raw
                                                sample is counted
                             cap x samples      the profile's ``health.credit_cap``

Nothing here mixes or credits: the outcome carries the credit to the pool, which adds
it with the bytes (pool.add_input), never more than 8 bits a byte.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from openentropy.pipelines.conditioners import as_bytes
from openentropy.pipelines.estimates import online_min_entropy, shannon

from .extract import extract
from .health import HealthMonitor, HealthState
from .outcome import CollectOutcome, Status
from .profile import SourceSpec


def judge(spec: SourceSpec, monitor: HealthMonitor, raw: CollectOutcome) -> CollectOutcome:
    """``raw``'s status after health tests, with the accepted canonical symbols and their credit."""
    if raw.status is not Status.OK:
        return raw
    try:
        symbols = extract(spec.canonical_stages(), raw.data)
    except Exception as error:  # a source whose own stages fail on its data has failed
        return raw.failed(Status.FAILED, f"canonical stages: {type(error).__name__}: {error}")
    if len(symbols) == 0:
        return raw.failed(Status.EMPTY, "no symbols left after its stages")
    verdict = monitor.check(symbols, raw=raw.data)
    state = verdict.state.value
    if verdict.failure is not None:
        failure = verdict.failure
        return replace(raw.failed(Status.QUARANTINED, f"{failure.test} test failed at symbol {failure.sample}"),
                       health=state)
    if verdict.state is HealthState.QUARANTINED:
        return replace(raw.failed(Status.QUARANTINED, "quarantined: waiting for its retest"), health=state)
    if len(verdict.accepted) == 0:
        return replace(raw.failed(Status.STARTUP, "start-up health tests in progress"), health=state)
    data = as_bytes(verdict.accepted)
    h_min = estimate(spec, data)
    counted = min(len(verdict.accepted), raw.samples or len(raw.data))
    return replace(raw, data=verdict.accepted, health=state, shannon=shannon(data), min_entropy=h_min,
                   credit_bits=credit(spec, monitor.h, h_min, len(data), counted))


def estimate(spec: SourceSpec, data: np.ndarray) -> float:
    """The round's min-entropy per byte of ``data``, as the profile asks."""
    if spec.health.estimate != "sp800_90b":
        return online_min_entropy(data)
    from openentropy.pipelines.estimators import assess  # ~2 s of scipy imports: only when asked for

    return assess(data, 8).min_entropy


def credit(spec: SourceSpec, h: float, h_min_per_byte: float, nbytes: int, symbols: int) -> float:
    """Bits credited: min(estimate x bytes, min(H, cap) x symbols)."""
    cap = spec.health.credit_cap if spec.health.credit_cap is not None else math.inf
    return min(h_min_per_byte * nbytes, min(h, cap) * symbols)
