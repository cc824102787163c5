"""Advanced tests: binary matrix rank, linear complexity, cumulative sums, random
excursions and birthday spacing (upstream category 9).

- Binary matrix rank: SP 800-22 2.5 (32 x 32 matrices over GF(2), classes 32, 31,
  <= 30), ``sp80022.rank``; from 38 matrices (38,912 bits), upstream's and SP 800-22's
  minimum.
- Linear complexity: SP 800-22 2.10 with upstream's M = 200, ``sp80022.linear_complexity``.
  Upstream bins T_i correctly but uses class probabilities (0.010882, 0.03534,
  0.08884, 0.5, 0.08884, 0.03534, rest) that are not SP 800-22's (0.010417, 0.03125,
  0.125, 0.5, 0.25, 0.0625, 0.020833; sts prints them to the digits we use): with
  them a long random sequence always fails. We use SP 800-22's. Upstream runs it
  from 6 blocks, where the chi-square with expected counts ~0.06 is meaningless; we
  ask SP 800-22 2.10.7's N >= 200 blocks (40,000 bits).
- Cumulative sums: SP 800-22 2.13 forward (mode 0): z = max |S_k|, P from
  ``sp80022.frequency.cusum_p_value``, which keeps the second sum of 2.13.4 that
  upstream drops. From 100 bits.
- Random excursions: upstream counts the cycles J of the walk S_k = sum(2 e_i - 1)
  and compares J with sqrt(n / (2 pi)), but the expected number of returns to zero is
  sqrt(2n / pi), twice that, so ideal data lands at upstream's ratio ~2, its failure
  edge. We keep the statistic J (SP 800-22 2.14's count: zeros of S_1..S_n, plus one
  when S_n != 0) and use its law: J / sqrt(n) tends to |N(0, 1)| (Levy: the local time
  at 0 of a random walk is distributed as the absolute value of its end point), so
  P = 2 min(F, 1 - F), F = erf(J / sqrt(2n)). Few cycles mean drift (bias), many mean
  a walk held near zero (e.g. alternating bits). From 1000 bits (upstream).
- Birthday spacing: upstream sorts n/2 16-bit values and uses lambda = m^3 / (4d),
  Marsaglia's Poisson mean only when m is of the order of d^(1/3) (at a mebibyte
  m = 524,288 birthdays fall in d = 65,536 days), and reports the larger of the two
  Poisson tails, which is >= 0.5 always, so it cannot fail. We run Marsaglia's test
  as in DIEHARD: samples of m = 512 birthdays, 24-bit big-endian values from 3 bytes
  each (d = 2^24); the number of repeated values among the m sorted spacings (the
  first measured from 0) is close to Poisson with lambda = m^3 / (4d) = 2 (simulated
  mean 1.994, variance 1.989 over 40,000 samples); the total T over the K samples
  against Poisson(2K), two-sided P = min(1, 2 min(Pr[X <= T], Pr[X >= T])). From 4
  samples (6,144 bytes).

Both walk tests follow S byte by byte (``walk_starts``): the walk before each
byte plus a 256 x 8 table of partial sums, which is 8 times less work than a
cumulative sum over the bits.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import erf
from scipy.stats import poisson

from ..sp80022 import linear_complexity as sp_linear_complexity
from ..sp80022 import rank as sp_rank
from ..sp80022.frequency import cusum_p_value
from .result import BatteryResult, as_sample, from_p, insufficient

CATEGORY = "advanced"

RANK_MIN_MATRICES = 38
LINEAR_COMPLEXITY_M, LINEAR_COMPLEXITY_MIN_BLOCKS = 200, 200
#: Partial sums of (2 e - 1) over the first 1..8 bits of each byte value, MSB first,
#: one row per bit count: BYTE_STEPS[j - 1, b] is the walk's move after j bits of b.
_BYTE_BITS = np.unpackbits(np.arange(256, dtype=np.uint8)).reshape(256, 8).astype(np.int64)
BYTE_STEPS = np.cumsum(2 * _BYTE_BITS - 1, axis=1).T.copy()
#: Highest and lowest partial sum within each byte value.
BYTE_HIGH, BYTE_LOW = BYTE_STEPS.max(axis=0), BYTE_STEPS.min(axis=0)

#: Marsaglia's birthday spacings parameters (DIEHARD): m birthdays in a year of 2^24 days.
BIRTHDAYS, DAY_BYTES, MIN_SAMPLES = 512, 3, 4
BIRTHDAY_LAMBDA = BIRTHDAYS**3 / (4.0 * 2.0 ** (8 * DAY_BYTES))


def walk_starts(values: np.ndarray) -> np.ndarray:
    """S just before each byte (S_0 = 0 first); S within byte i is that plus BYTE_STEPS[:, b_i]."""
    start = np.zeros(values.size, dtype=np.int64)
    np.cumsum(BYTE_STEPS[7][values[:-1]], out=start[1:])
    return start


def binary_matrix_rank(data) -> BatteryResult:
    """Ranks of disjoint 32 x 32 GF(2) matrices, chi-square over {32, 31, <= 30}."""
    name = "Binary Matrix Rank"
    bits = as_sample(data).bits
    needed = RANK_MIN_MATRICES * 1024
    if bits.size < needed:
        return insufficient(name, CATEGORY, needed, bits.size, "bits")
    result = sp_rank(bits)
    s = result.statistics
    details = f"N={int(s['matrices'])}, full={int(s['F32'])}, full-1={int(s['F31'])}"
    return from_p(name, CATEGORY, result.p_values[0], s["chi2"], details)


def linear_complexity(data) -> BatteryResult:
    """Berlekamp-Massey complexity of 200-bit blocks, SP 800-22 2.10 classes."""
    name = "Linear Complexity"
    bits = as_sample(data).bits
    needed = LINEAR_COMPLEXITY_M * LINEAR_COMPLEXITY_MIN_BLOCKS
    if bits.size < needed:
        return insufficient(name, CATEGORY, needed, bits.size, "bits")
    result = sp_linear_complexity(bits, LINEAR_COMPLEXITY_M)
    blocks = int(result.statistics["blocks"])
    return from_p(name, CATEGORY, result.p_values[0], result.statistics["chi2"], f"N={blocks}, M={LINEAR_COMPLEXITY_M}")


def cusum_test(data) -> BatteryResult:
    """Largest excursion of the forward random walk (SP 800-22 2.13); statistic max|S|."""
    name = "Cumulative Sums"
    values = as_sample(data).bytes
    n = values.size * 8
    if n < 100:
        return insufficient(name, CATEGORY, 100, n, "bits")
    start = walk_starts(values)
    z = int(max((start + BYTE_HIGH[values]).max(), -(start + BYTE_LOW[values]).min()))
    return from_p(name, CATEGORY, cusum_p_value(z, n), z, f"max|S|={z}, n={n}")


def random_excursions(data) -> BatteryResult:
    """Number of cycles J of the random walk against its |N(0,1)| sqrt(n) law."""
    name = "Random Excursions"
    values = as_sample(data).bytes
    n = values.size * 8
    if n < 1000:
        return insufficient(name, CATEGORY, 1000, n, "bits")
    start = walk_starts(values)
    # S can be 0 only after an even number of steps: bits 2, 4, 6, 8 of each byte.
    zeros = sum(int(np.count_nonzero(start == -BYTE_STEPS[j][values])) for j in (1, 3, 5, 7))
    cycles = zeros + (1 if start[-1] + BYTE_STEPS[7][values[-1]] != 0 else 0)
    below = float(erf(cycles / math.sqrt(2.0 * n)))
    p = min(1.0, 2.0 * min(below, 1.0 - below))
    expected = math.sqrt(2.0 * n / math.pi)
    return from_p(name, CATEGORY, p, cycles, f"cycles={cycles}, expected~={expected:.0f}")


def birthday_spacing(data) -> BatteryResult:
    """Repeated spacings among 512 sorted 24-bit birthdays per sample, Poisson(2K) total."""
    name = "Birthday Spacing"
    values = as_sample(data).bytes
    per_sample = BIRTHDAYS * DAY_BYTES
    samples = values.size // per_sample
    if samples < MIN_SAMPLES:
        return insufficient(name, CATEGORY, MIN_SAMPLES * per_sample, values.size, "bytes")
    triples = values[: samples * per_sample].reshape(samples, BIRTHDAYS, DAY_BYTES).astype(np.int64)
    days = (triples[..., 0] << 16) | (triples[..., 1] << 8) | triples[..., 2]
    days.sort(axis=1)
    spacings = np.diff(days, axis=1, prepend=0)
    spacings.sort(axis=1)
    repeats = int(np.count_nonzero(spacings[:, 1:] == spacings[:, :-1]))
    lam = BIRTHDAY_LAMBDA * samples
    p = min(1.0, 2.0 * min(float(poisson.cdf(repeats, lam)), float(poisson.sf(repeats - 1, lam))))
    return from_p(name, CATEGORY, p, repeats, f"repeats={repeats}, lambda={lam:.1f}, samples={samples}, m={BIRTHDAYS}")
