"""Distribution tests: Kolmogorov-Smirnov and Anderson-Darling against uniform bytes
(upstream category 7).

Upstream maps each byte b to the continuous value (b + 0.5) / 256 and compares with
the continuous uniform law. Bytes are discrete: just below each of the 256 steps the
empirical CDF lies 0.5/256 under the continuous one, so the KS distance of perfectly
uniform bytes never falls below 1/512 and sqrt(n) D grows without bound; at a
mebibyte sqrt(n)/512 = 2.0 and ideal data fails KS (P ~ 7e-4), and the A^2 statistic
drifts the same way. We therefore use the statistics for a fully specified discrete
law, comparing at the 256 support points where both CDFs step together:

- KS: D = max_k |F_n(k) - (k + 1)/256|, k = 0..255. P from the exact one-sample
  Kolmogorov distribution for n (``scipy.stats.kstwo``); for a discrete law that is
  conservative (sup over 256 points <= sup over the line). From 50 bytes (upstream).
- Anderson-Darling: the discrete A^2 of Choulakian, Lockhart and Stephens (1994,
  Canadian J. Statistics 22, 125-137), A^2 = n sum_{k<255} Z_k^2 p_k / (H_k (1 - H_k)),
  Z_k = F_n(k) - H_k, H_k = (k + 1)/256, p_k = 1/256. With 256 equal cells its law is
  close to the continuous case-0 law, so upstream's case-0 cut-offs apply (Stephens
  1974: 1.248 at 25%, 1.933 at 10%, 2.492 at 5%, 3.857 at 1%): grades A < 1.248,
  B < 1.933, C < 2.492, D < 3.857, else F; pass when A^2 < 2.492. Upstream's
  small-sample factor (1 + 0.75/n + 2.25/n^2) is Stephens' modification for the
  normal law with estimated parameters, not for a fully specified one, and is not
  applied. From 50 bytes.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import kstwo

from .result import BatteryResult, as_sample, from_p, insufficient, measured

CATEGORY = "distribution"

#: Case-0 Anderson-Darling upper percentage points for 25%, 10%, 5%, 1% (Stephens 1974).
AD_CUTS = (1.248, 1.933, 2.492, 3.857)
AD_PASS = 2.492
#: The uniform CDF at the byte values 0..255.
UNIFORM_CDF = np.arange(1, 257) / 256.0


def _empirical_cdf(values: np.ndarray) -> np.ndarray:
    return np.cumsum(np.bincount(values, minlength=256)) / values.size


def ks_test(data) -> BatteryResult:
    """Largest gap between the byte CDF and the uniform CDF on 0..255; exact KS P."""
    name = "Kolmogorov-Smirnov"
    values = as_sample(data).bytes
    n = values.size
    if n < 50:
        return insufficient(name, CATEGORY, 50, n, "bytes")
    d = float(np.abs(_empirical_cdf(values) - UNIFORM_CDF).max())
    return from_p(name, CATEGORY, float(kstwo.sf(d, n)), d, f"D={d:.6f}, n={n}")


def anderson_darling(data) -> BatteryResult:
    """Discrete Anderson-Darling A^2 against uniform bytes, graded on case-0 cut-offs."""
    name = "Anderson-Darling"
    values = as_sample(data).bytes
    n = values.size
    if n < 50:
        return insufficient(name, CATEGORY, 50, n, "bytes")
    z = _empirical_cdf(values)[:-1] - UNIFORM_CDF[:-1]
    h = UNIFORM_CDF[:-1]
    a2 = float(n * np.sum(z * z / (h * (1.0 - h))) / 256.0)
    grade = next((g for cut, g in zip(AD_CUTS, "ABCD") if a2 < cut), "F")
    return measured(name, CATEGORY, a2 < AD_PASS, a2, grade, f"A^2={a2:.4f}, 5% critical={AD_PASS}")
