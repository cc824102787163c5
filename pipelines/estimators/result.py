"""What an estimator returns, and what the assessment returns.

An :class:`Estimate` is one estimator on one sequence: ``h`` is min-entropy per symbol of
that sequence (bits per original symbol on the original pass, bits per bit on the bitstring
pass), or ``None`` when the estimator does not apply (non-binary data for the binary-only
estimators, too few samples, no tuple repeated often enough). ``details`` holds the
intermediate values NIST's ``ea_non_iid -v`` prints, under the same names
(``"p-hat"``, ``"P_global'"``...), so that they can be checked against that tool.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..html_table import number, table, verdict


def _frozen(mapping: Mapping | None) -> Mapping:
    return types.MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True, eq=False)
class Estimate:
    """One SP 800-90B section 6.3 estimate: ``name``, ``h`` (or None) and ``details``."""

    name: str
    h: float | None
    details: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "details", _frozen(self.details))


@dataclass(frozen=True, eq=False)
class Assessment:
    """SP 800-90B section 3.1.3 initial entropy estimate, as ``ea_non_iid`` computes it.

    ``original`` and ``bitstring`` map estimator names to estimates (``bitstring`` is empty
    when the samples have at most two distinct values: there is then one pass only).
    ``h_original`` = min over ``original``; ``h_bitstring`` = min over ``bitstring`` (None
    when not run); ``min_entropy`` = min(bits_per_symbol, h_original,
    bits_per_symbol x h_bitstring), bits per sample.
    """

    bits_per_symbol: int
    alphabet_size: int
    samples: int
    original: Mapping[str, Estimate]
    bitstring: Mapping[str, Estimate]
    h_original: float
    h_bitstring: float | None
    min_entropy: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "original", _frozen(self.original))
        object.__setattr__(self, "bitstring", _frozen(self.bitstring))

    def h(self, name: str) -> tuple[float | None, float | None]:
        """(h_original, h_bitstring) of one estimator; None where it did not run."""
        orig, bits = self.original.get(name), self.bitstring.get(name)
        return (orig.h if orig else None, bits.h if bits else None)

    def __repr__(self) -> str:
        return (
            f"<Assessment min_entropy={self.min_entropy:.4f} bits/sample of {self.bits_per_symbol} "
            f"({len(self.original)} estimators, {self.samples:,} samples)>"
        )

    def _repr_html_(self) -> str:
        summary = table(
            ["min-entropy (bits/sample)", "of (bits/sample)", "H_original", "H_bitstring", "samples", "alphabet"],
            [[number(self.min_entropy, 4), self.bits_per_symbol, number(self.h_original, 4),
              number(self.h_bitstring, 4), self.samples, self.alphabet_size]],
            caption="SP 800-90B assessment",
        )
        names = list(dict.fromkeys([*self.original, *self.bitstring]))
        rows = []
        for name in names:
            orig, bits = self.h(name)
            lowest = orig is not None and orig == self.h_original
            lowest |= bits is not None and self.h_bitstring is not None and bits == self.h_bitstring
            rows.append([name, number(orig, 4), number(bits, 4), verdict(True if lowest else None, yes="sets the bound", neither="")])
        return summary + table(["estimator", "h original (bits/symbol)", "h bitstring (bits/bit)", ""], rows)
