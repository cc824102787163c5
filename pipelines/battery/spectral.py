"""Spectral tests: the DFT spectral test and spectral flatness (upstream category 4).

DFT spectral: SP 800-22 2.6 on the bits, as ``sp80022.discrete_fourier_transform``
computes it (sts-2.1.2: bins 0..n/2-1, threshold sqrt(ln(20) n)), from 64 bits on
(upstream's minimum). The statistic is the normalised count difference d.

Spectral flatness (Wiener entropy) of the byte series: x_i = b_i - mean, power
P_k = |X_k|^2 + 1e-15 for the bins k = 1..n/2 of its real FFT (no DC; upstream's
1e-15 keeps a log of an empty bin finite), flatness = geometric mean / arithmetic
mean of P_k. From 64 bytes on (upstream).

Corrections to upstream: for white noise the P_k are asymptotically i.i.d.
exponential, so E[ln P] - ln E[P] = -gamma (Euler's constant) and the flatness tends
to exp(-gamma) = 0.5615, not to 1 as upstream's details claim; with upstream's
grade cuts (A > 0.8, B > 0.6, C > 0.4, D > 0.2; pass > 0.5) ideal noise could never
grade above C. We report the flatness divided by exp(-gamma) (1.0 = white noise; a
pure tone or a short period gives ~0) and apply upstream's cuts to that; the raw
ratio is in the details. We also keep the Nyquist bin k = n/2 that upstream's
range 1..n/2-1 leaves out: without it a series alternating between two values, all
of whose power is at Nyquist, looks perfectly flat (every remaining bin holds 1e-15)
and grades A. A constant series (upstream: flatness 1, grade A, since
every bin holds the same 1e-15) fails as degenerate, like the correlation tests.
"""

from __future__ import annotations

import math

import numpy as np

from ..sp80022 import discrete_fourier_transform as sp_dft
from .result import BatteryResult, as_sample, degenerate, from_p, grade_from_thresholds, insufficient, measured

CATEGORY = "spectral"

#: exp(-gamma): the flatness of white noise in the limit of many bins (see module doc).
WHITE_NOISE_FLATNESS = math.exp(-np.euler_gamma)
#: Upstream's grade cuts (A, B, C, D) and pass cut for spectral flatness.
FLATNESS_CUTS = (0.8, 0.6, 0.4, 0.2)
FLATNESS_PASS = 0.5


def dft_spectral(data) -> BatteryResult:
    """Share of DFT peaks below the 95% threshold against 0.95 (SP 800-22 2.6)."""
    name = "DFT Spectral"
    bits = as_sample(data).bits
    if bits.size < 64:
        return insufficient(name, CATEGORY, 64, bits.size, "bits")
    result = sp_dft(bits)
    below = int(result.statistics["N1"])
    details = f"peaks_below_threshold={below}/{bits.size // 2}"
    return from_p(name, CATEGORY, result.p_values[0], result.statistics["d"], details)


def spectral_flatness(data) -> BatteryResult:
    """Geometric over arithmetic mean of the byte power spectrum, relative to white noise."""
    name = "Spectral Flatness"
    sample = as_sample(data)
    n = sample.bytes.size
    if n < 64:
        return insufficient(name, CATEGORY, 64, n, "bytes")
    x = sample.floats - sample.floats.mean()
    if not x.any():
        return degenerate(name, CATEGORY, 0.0, "zero variance: a constant series has no spectrum to judge")
    spectrum = np.fft.rfft(x)[1:]
    power = spectrum.real**2 + spectrum.imag**2 + 1e-15
    raw = math.exp(float(np.mean(np.log(power)))) / float(np.mean(power))
    relative = raw / WHITE_NOISE_FLATNESS
    grade = grade_from_thresholds(relative, FLATNESS_CUTS)
    details = f"flatness={raw:.4f}, relative to white noise={relative:.4f} (1.0 = white)"
    return measured(name, CATEGORY, relative > FLATNESS_PASS, relative, grade, details)
