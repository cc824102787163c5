"""Multi-sequence analysis, SP 800-22 rev1a section 4.2, as sts-2.1.2's final report.

Given the results of the tests on m sequences, for every P-value label of every test
(each template, each excursion state, forward and reverse, ...):

* proportion (4.2.1): the fraction of sequences with P >= alpha, and its acceptable
  range p_hat +- 3 sqrt(p_hat (1 - p_hat) / m) with p_hat = 1 - alpha. The verdict
  follows assess.c's computeMetrics: the bounds are turned into sequence counts by
  C truncation, (int)(bound * m), and the test is flagged when the pass count lies
  outside them. (For m = 100 that accepts 96 passes, where 0.96 < 0.9601 would not.)
* uniformity (4.2.2): the P-values binned into ten intervals [0, 0.1), ..., [0.9, 1]
  (floor(10 P), P = 1 in the last bin), chi2 = sum (F_i - s)^2 / s with
  s = m // 10 -- integer division, as in assess.c -- and
  P-value_T = igamc(9/2, chi2/2); uniform when P-value_T >= 0.0001. No value when
  m < 10 (sts prints "----"). NIST recommends at least 55 sequences for it.

Results that were not applicable are left out of the sample, which is what sts does
for the random excursion tests (it drops their 0 P-values); sts reads P-values back
from text with six decimals, so it also drops excursion P-values below 5e-7 -- this
module keeps them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable

import numpy as np
from scipy.special import gammaincc

from .result import ALPHA, TestResult

#: Uniformity threshold of SP 800-22 4.2.2 and assess.c's "*" mark.
UNIFORMITY_ALPHA = 0.0001


@dataclass(frozen=True)
class PValueSummary:
    """Proportion and uniformity of one P-value (``name``, ``label``) over m sequences."""

    name: str
    label: str
    sample_size: int
    pass_count: int
    proportion: float
    acceptable_range: tuple[float, float]
    proportion_ok: bool
    bins: tuple[int, ...]
    uniformity_p_value: float | None
    uniformity_ok: bool | None

    @property
    def ok(self) -> bool:
        """No flag from either check (a missing uniformity value does not flag)."""
        return self.proportion_ok and self.uniformity_ok is not False


def acceptable_range(sample_size: int, alpha: float = ALPHA) -> tuple[float, float]:
    """p_hat -+ 3 sqrt(p_hat (1 - p_hat) / m), p_hat = 1 - alpha (SP 800-22 4.2.1)."""
    if sample_size < 1:
        raise ValueError(f"the proportion needs at least one sequence, got {sample_size}")
    p_hat = 1.0 - alpha
    spread = 3.0 * math.sqrt(p_hat * alpha / sample_size)
    return p_hat - spread, p_hat + spread


def uniformity(p_values: Iterable[float]) -> tuple[tuple[int, ...], float | None]:
    """(counts in the ten bins, P-value_T), P-value_T None for fewer than 10 P-values."""
    p = np.asarray(list(p_values), dtype=np.float64)
    bins = np.minimum(np.floor(p * 10).astype(np.int64), 9)
    counts = np.bincount(bins, minlength=10)
    expected = p.size // 10
    if expected == 0:
        return tuple(int(c) for c in counts), None
    chi2 = float(np.sum((counts - expected) ** 2) / expected)
    return tuple(int(c) for c in counts), float(gammaincc(9.0 / 2.0, chi2 / 2.0))


def summarise(name: str, label: str, p_values: Iterable[float], alpha: float = ALPHA) -> PValueSummary:
    """Proportion and uniformity of one P-value over its applicable sequences."""
    p = [float(v) for v in p_values]
    m = len(p)
    if m == 0:
        return PValueSummary(name, label, 0, 0, math.nan, (math.nan, math.nan), False, (0,) * 10, None, None)
    passes = sum(v >= alpha for v in p)
    low, high = acceptable_range(m, alpha)
    ok = int(low * m) <= passes <= int(high * m)
    bins, p_t = uniformity(p)
    return PValueSummary(
        name=name,
        label=label,
        sample_size=m,
        pass_count=passes,
        proportion=passes / m,
        acceptable_range=(low, high),
        proportion_ok=ok,
        bins=bins,
        uniformity_p_value=p_t,
        uniformity_ok=None if p_t is None else p_t >= UNIFORMITY_ALPHA,
    )


def analyse(results: Iterable[TestResult | Iterable[TestResult]], alpha: float = ALPHA) -> list[PValueSummary]:
    """Summaries for every (test, label) seen, in first-seen order.

    ``results`` holds ``TestResult``s of any number of sequences, flat or as one list
    per sequence (``[run_suite(s) for s in sequences]``). A test that was applicable
    to none of the sequences gets one summary with sample_size 0 and label "".
    """
    collected: dict[tuple[str, str], list[float]] = {}
    names: dict[str, None] = {}
    for item in results:
        for r in [item] if isinstance(item, TestResult) else item:
            names.setdefault(r.name)
            for label, p in zip(r.labels, r.p_values):
                collected.setdefault((r.name, label), []).append(p)
    for name in names:
        if not any(key[0] == name for key in collected):
            collected[(name, "")] = []
    order = list(names)
    keys = sorted(collected, key=lambda key: order.index(key[0]))  # stable: labels keep their order
    return [summarise(name, label, collected[(name, label)], alpha) for name, label in keys]
