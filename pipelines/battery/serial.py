"""Serial tests: the serial test (m = 4) and approximate entropy (m = 3) (upstream category 3).

Both are SP 800-22's statistics over cyclic overlapping m-bit windows, computed by
``openentropy.pipelines.sp80022`` (serial, approximate_entropy), with upstream's
parameters: m = 4 for the serial test, whose verdict is sts's first P-value
(del psi^2_m, chi-square with 2^(m-1) degrees of freedom), and m = 3 for approximate
entropy (chi2 = 2n (ln 2 - ApEn), 2^m degrees of freedom).

Upstream runs both on the first 20,000 bits only (``bits.truncate(20000)``), and so
do we: the verdicts then do not depend on the input length beyond that, and m = 3 or
4 is what that length supports (SP 800-22 asks m < log2(n) - 2 for the serial test
and m < log2(n) - 5 for approximate entropy). Minimum input: 2^4 + 10 = 26 bits for
the serial test and 64 bits for approximate entropy (upstream's limits).
"""

from __future__ import annotations

from ..sp80022 import approximate_entropy as sp_approximate_entropy
from ..sp80022 import serial as sp_serial
from .result import BatteryResult, as_sample, from_p, insufficient

CATEGORY = "serial"

#: Bits read by both tests (upstream truncates to this many).
MAX_BITS = 20_000
SERIAL_M = 4
APEN_M = 3


def serial_test(data) -> BatteryResult:
    """Overlapping 4-bit pattern counts: del psi^2_4 and its chi-square P-value."""
    name = "Serial Test"
    bits = as_sample(data).bits[:MAX_BITS]
    needed = (1 << SERIAL_M) + 10
    if bits.size < needed:
        return insufficient(name, CATEGORY, needed, bits.size, "bits")
    result = sp_serial(bits, SERIAL_M)
    p = result.p_value("p_value1")
    return from_p(name, CATEGORY, p, result.statistics["del1"], f"m={SERIAL_M}, n_bits={bits.size}")


def approximate_entropy(data) -> BatteryResult:
    """Approximate entropy with m = 3; statistic chi2 = 2n (ln 2 - ApEn)."""
    name = "Approximate Entropy"
    bits = as_sample(data).bits[:MAX_BITS]
    if bits.size < 64:
        return insufficient(name, CATEGORY, 64, bits.size, "bits")
    result = sp_approximate_entropy(bits, APEN_M)
    apen = result.statistics["ApEn"]
    return from_p(name, CATEGORY, result.p_values[0], result.statistics["chi2"], f"ApEn={apen:.6f}, m={APEN_M}")
