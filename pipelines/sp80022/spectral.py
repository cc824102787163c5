"""Discrete Fourier transform (spectral) test, SP 800-22 rev1a 2.6, as sts-2.1.2 does it.

sts (discreteFourierTransform.c) counts N_1 over the first n/2 entries of its
magnitude array m[0..n/2-1], where m[0] = |X_0| is the DC term and m[j] = |X_j|:
so bins 0..n/2-1, DC included, the Nyquist bin excluded. The threshold is
T = sqrt(2.995732274 n), 2.995732274 = ln(20) = ln(1/0.05) to sts's 10 digits, with
a strict "<". N_0 = 0.95 n / 2 and d = (N_1 - N_0) / sqrt(n 0.95 0.05 / 4) use real
division. sts's FFT is FFTPACK; numpy's pocketfft agrees far below the distance of
any magnitude from T on realistic inputs.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import erfc

from .result import TestResult, as_bits, make_result, not_applicable

#: ln(1/0.05) as written in discreteFourierTransform.c.
LN_20 = 2.995732274


def discrete_fourier_transform(bits) -> TestResult:
    """Peaks of |DFT(2e-1)| below the 95% threshold, compared with 0.95 n/2."""
    eps = as_bits(bits)
    n = eps.size
    if n < 2:
        return not_applicable("FFT", f"{n} bits: the DFT test needs at least 2")
    x = 2.0 * eps - 1.0
    magnitudes = np.abs(np.fft.rfft(x)[: n // 2])
    threshold = math.sqrt(LN_20 * n)
    n1 = int(np.count_nonzero(magnitudes < threshold))
    n0 = 0.95 * n / 2.0
    d = (n1 - n0) / math.sqrt(n / 4.0 * 0.95 * 0.05)
    return make_result("FFT", [erfc(abs(d) / math.sqrt(2.0))], N1=n1, N0=n0, d=d, threshold=threshold)
