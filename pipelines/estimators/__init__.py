"""NIST SP 800-90B non-IID min-entropy estimators (section 6.3) and the final assessment.

One function per estimator, each taking symbols 0..k-1 (see ``translate``) and returning
an :class:`Estimate`; ``assess`` runs them all the way NIST's ea_non_iid does (section
3.1.3: original symbols and bitstring, final = min(H_original, bits x H_bitstring)).

    most_common_value  6.3.1     t_tuple     6.3.5     lag        6.3.8
    collision          6.3.2     lrs         6.3.6     multi_mmc  6.3.9
    markov             6.3.3     multi_mcw   6.3.7     lz78y      6.3.10
    compression        6.3.4

The IID track (section 5, as NIST's ea_iid runs it): ``assess_iid`` runs the
permutation test (5.1, ``permutation_test``, seeded), the chi-square tests (5.2.1-5.2.4,
``chi_square_tests``), the longest repeated substring test (5.2.5, ``lrs_test``) and the
most common value estimate; ``IidAssessment.iid`` says whether the data pass as IID.

Restart tests (section 3.1.4, as ea_restart): ``restart_test`` on a 1000 x 1000 matrix.
``dossier.build_dossier`` states the final claim and every figure behind it.
"""

import importlib

from .assessment import ESTIMATOR_NAMES, assess
from .compression import compression
from .predictors import lag, lz78y, multi_mcw, multi_mmc
from .result import Assessment, Estimate
from .statistics import collision, markov, most_common_value
from .symbols import to_bits, translate
from .tuples import lrs, t_tuple

#: The IID track and the restart tests, imported on first use: they need scipy (~2 s to
#: import), and a harvest whose credit uses ``markov`` should not pay for it.
_LAZY = {
    "ChiSquare": "iid_chisquare",
    "IidAssessment": "iid_assessment",
    "LongestRepeat": "iid_lrs",
    "PermutationResult": "iid_permutation",
    "RestartResult": "restart",
    "STATISTIC_NAMES": "iid_statistics",
    "assess_iid": "iid_assessment",
    "chi_square_tests": "iid_chisquare",
    "lrs_test": "iid_lrs",
    "permutation_test": "iid_permutation",
    "restart_test": "restart",
}

__all__ = [
    "Assessment",
    "ChiSquare",
    "ESTIMATOR_NAMES",
    "Estimate",
    "IidAssessment",
    "LongestRepeat",
    "PermutationResult",
    "RestartResult",
    "STATISTIC_NAMES",
    "assess",
    "assess_iid",
    "chi_square_tests",
    "collision",
    "compression",
    "lag",
    "lrs",
    "lrs_test",
    "lz78y",
    "markov",
    "most_common_value",
    "multi_mcw",
    "multi_mmc",
    "permutation_test",
    "restart_test",
    "t_tuple",
    "to_bits",
    "translate",
]


def __getattr__(name: str):
    try:
        module = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
