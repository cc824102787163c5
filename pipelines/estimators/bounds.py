"""Confidence bounds and root finding shared by the estimators, as ea_non_iid computes them.

- ``Z_ALPHA``: z for the 99% bounds. SP 800-90B sections 6.3.1-6.3.10 print 2.576; NIST's
  ea_non_iid (shared/utils.h ``ZALPHA``) uses the exact quantile 2.5758293035489008, and
  this module follows the tool (the two differ by under 1e-6 bits on 1e6 samples).
- ``upper_bound``: p_u = min(1, p + Z sqrt(p (1 - p) / (n - 1))), section 6.3.1 step 3.
- ``nist_bisect``: ea_non_iid's bisection for a decreasing function (compression 6.3.4
  step 7, P_local 6.3.7-6.3.10), with its stopping rule (equal within 4 ULPs or relative
  DBL_EPSILON) and its failure exits.
- ``prediction_estimate``: section 6.3.7 steps 4-6 (shared by 6.3.8-6.3.10): P_global,
  its 99% upper bound P_global', P_local from the longest run r - 1 of correct predictions
  at the 0.99 level, and h = -log2(max(1/k, P_global', P_local)). P_local is computed only
  when it can raise the result, as in the tool. The P_local equation is solved in x87
  extended precision (numpy.longdouble) like the tool's ``long double``.
"""

from __future__ import annotations

import math
import struct
import sys

import numpy as np

#: ea_non_iid's z for the 99% bounds (utils.h ZALPHA); SP 800-90B rounds it to 2.576.
Z_ALPHA = 2.5758293035489008
#: Bisection step limit (utils.h ITERMAX): enough halvings to exhaust a double.
ITER_MAX = 1076
#: Confidence level of P_local (SP 800-90B 6.3.7 step 5: alpha = 0.99).
LOCAL_LEVEL = 0.99

_DBL_MIN = sys.float_info.min
_DBL_EPS = sys.float_info.epsilon


def upper_bound(p: float, n: int) -> float:
    """99% upper confidence bound of a proportion p observed over n trials (6.3.1 step 3)."""
    return min(1.0, p + Z_ALPHA * math.sqrt(p * (1.0 - p) / (n - 1.0)))


def _ulps(x: float) -> int:
    return struct.unpack("<q", struct.pack("<d", abs(x)))[0]


def rel_epsilon_equal(a: float, b: float, max_abs: float = _DBL_MIN, max_rel: float = _DBL_EPS, max_ulp: int = 4) -> bool:
    """ea_non_iid's closeness test: relative (or absolute near 0), else within max_ulp ULPs."""
    if math.isnan(a) or math.isnan(b):
        return False
    if a == b:
        return True
    if math.isinf(a) or math.isinf(b):
        return False
    if abs(a) > abs(b):
        a, b = b, a
    diff = abs(b - a)
    if abs(a) < _DBL_MIN or diff < _DBL_MIN or math.isinf(diff) or abs(b) * max_rel < _DBL_MIN:
        return diff <= max_abs
    if diff <= abs(b) * max_rel:
        return True
    if math.copysign(1.0, a) != math.copysign(1.0, b):
        return False
    return _ulps(b) - _ulps(a) <= max_ulp


def _closed(x: float, a: float, b: float) -> bool:
    return b <= x <= a if a > b else a <= x <= b


def _open(x: float, a: float, b: float) -> bool:
    return b < x < a if a > b else a < x < b


def nist_bisect(f, target: float, ldomain: float, hdomain: float, fail: float) -> float:
    """p in [ldomain, hdomain] with f(p) = target for a decreasing f, searched as ea_non_iid does.

    ``fail`` is returned when the target leaves the bracket (the tool's "search failure").
    """
    lbound, hbound = ldomain, hdomain
    lvalue, hvalue = math.inf, -math.inf
    p = (lbound + hbound) / 2.0
    value = f(p)
    for _ in range(ITER_MAX):
        if rel_epsilon_equal(value, target):
            break
        if target < value:
            lbound, lvalue = p, value
        else:
            hbound, hvalue = p, value
        if lbound >= hbound:
            return min(max(lbound, hbound), hdomain)
        if not (_closed(lbound, ldomain, hdomain) and _closed(hbound, ldomain, hdomain)):
            return fail
        if not _closed(target, lvalue, hvalue):
            return fail
        last, p = p, (lbound + hbound) / 2.0
        if not _open(p, lbound, hbound) or last == p:
            return hbound
        value = f(p)
        if not _closed(value, lvalue, hvalue):
            return hbound
    return p


def _local_log_probability(p: float, r: int, n: int) -> float:
    """log of the probability that n predictions with success p have no run of r successes.

    SP 800-90B 6.3.7 step 5 (the series root x, then the closed form), in long double.
    """
    one = np.longdouble(1)
    p_l, r_l = np.longdouble(p), np.longdouble(r)
    q, x, last = one - p_l, one, np.longdouble(0)
    eps = np.finfo(np.longdouble).eps
    for _ in range(66):
        if not (x - last > eps * x):
            break
        last = x
        x = one + q * p_l**r_l * x ** (r_l + one)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.log(one - p_l * x) - np.log((r_l + one - r_l * x) * q) - (np.longdouble(n) + one) * np.log(x)
    return float(value)


def p_local(max_run: int, n: int, ldomain: float) -> float:
    """P_local for a longest run of max_run correct predictions out of n (6.3.7 step 5)."""
    return nist_bisect(lambda p: _local_log_probability(p, max_run + 1, n), math.log(LOCAL_LEVEL), ldomain, 1.0, 1.0)


def prediction_estimate(correct: int, n: int, max_run: int, k: int) -> tuple[float, dict]:
    """(h, details) of a predictor with ``correct`` hits out of ``n`` over an alphabet of k."""
    p_global = correct / n
    if p_global > 0:
        p_prime = min(1.0, p_global + Z_ALPHA * math.sqrt(p_global * (1.0 - p_global) / (n - 1.0)))
    else:
        p_prime = 1.0 - 0.01 ** (1.0 / n)
    details: dict = {"C": correct, "r": max_run + 1, "N": n, "P_global": p_global, "P_global'": p_prime}
    best = max(1.0 / k, p_prime)
    if best < 1.0 and _local_log_probability(best, max_run + 1, n) > math.log(LOCAL_LEVEL):
        local = p_local(max_run, n, best)
        details["P_local"] = local
        best = max(best, local)
    else:
        details["messages"] = ("P_local can't change the result.",)
    return -math.log2(best), details
