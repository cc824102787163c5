"""The SP 800-90B IID track (section 5, and 6.3.1 for the estimate), as NIST's ea_iid runs it.

Policy, in the tool's order (ea_iid with its defaults: -i, -a):
1. samples are checked and translated (``symbols.py``); k = 1 gives no entropy.
2. min-entropy: the most common value estimate (6.3.1) on the translated samples
   (H_original) and, when k > 2, on all bits of the samples (H_bitstring, bits per
   bit); min_entropy = min(bits_per_symbol, H_original, bits_per_symbol x H_bitstring).
   Section 5's "IID" only allows this single estimator; the figure stands only when
   every test below passes (``iid``).
3. chi-square independence and goodness of fit (5.2.1-5.2.4, ``iid_chisquare``).
4. longest repeated substring test (5.2.5, ``iid_lrs``).
5. the permutation test (5.1, ``iid_permutation``): seeded, so reproducible.

``iid`` is True when 3, 4 and 5 all pass. When it is False SP 800-90B requires the
non-IID track (section 6.3, ``assessment.assess``); ``oe assess`` runs it then. Nothing
here credits entropy: a caller that does should take ``min_entropy`` only when ``iid``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .iid_chisquare import ChiSquare, chi_square_tests
from .iid_lrs import LongestRepeat, lrs_test
from .iid_permutation import SHUFFLES, PermutationResult, permutation_test
from .result import Estimate
from .statistics import most_common_value
from .symbols import check_samples, to_bits, translate


@dataclass(frozen=True, eq=False)
class IidAssessment:
    """The IID track's figures: the MCV estimates, H values, the three tests, ``iid``."""

    bits_per_symbol: int
    alphabet_size: int
    samples: int
    literal: Estimate | None
    bitstring: Estimate | None
    h_original: float
    h_bitstring: float | None
    min_entropy: float
    chi_square: tuple[ChiSquare, ...]
    lrs: LongestRepeat | None
    permutation: PermutationResult | None

    @property
    def iid(self) -> bool:
        """All of 5.1, 5.2.1-5.2.4 and 5.2.5 passed."""
        return (
            self.permutation is not None and self.permutation.passed and self.lrs is not None
            and self.lrs.passed and all(c.passed for c in self.chi_square)
        )


def assess_iid(samples, bits_per_symbol: int, *, seed: int | None = None, shuffles: int = SHUFFLES,
               permutation: bool = True) -> IidAssessment:
    """Run the IID track on samples of ``bits_per_symbol`` bits (one per byte).

    ``permutation=False`` skips 5.1 (then ``iid`` is False: the track is incomplete)."""
    raw = check_samples(samples, bits_per_symbol)
    symbols, k = translate(raw)
    if k <= 1:
        return IidAssessment(bits_per_symbol, k, len(raw), None, None, 0.0, None, 0.0, (), None, None)
    with ThreadPoolExecutor(max_workers=1) as side:
        # steps 2-4 take a fraction of a second; they run beside the permutation test
        others = side.submit(_estimates_and_tests, raw, symbols, k, bits_per_symbol)
        perm = permutation_test(symbols, raw, k, seed=seed, shuffles=shuffles) if permutation else None
        literal, bitstring, h_original, h_bitstring, min_entropy, chi, lrs = others.result()
    return IidAssessment(bits_per_symbol, k, len(raw), literal, bitstring, h_original, h_bitstring,
                         min_entropy, chi, lrs, perm)


def _estimates_and_tests(raw: np.ndarray, symbols: np.ndarray, k: int, bits_per_symbol: int) -> tuple:
    """Steps 2-4: the MCV estimates and H figures, the chi-square tests and the LRS test."""
    literal = most_common_value(symbols, k)
    h_original = min(float(bits_per_symbol), literal.h)
    bitstring, h_bitstring = None, None
    min_entropy = h_original
    if k > 2:
        bitstring = most_common_value(to_bits(raw, bits_per_symbol), 2)
        h_bitstring = min(1.0, bitstring.h)
        min_entropy = min(h_original, bits_per_symbol * h_bitstring)
    return literal, bitstring, h_original, h_bitstring, min_entropy, chi_square_tests(symbols, k), lrs_test(symbols, k)
