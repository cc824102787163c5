"""SP 800-90B section 4.4 continuous health tests, and the per-source monitor that
quarantines a failing source.

Map of this module
    rct_cutoff, apt_window, apt_cutoff    cutoffs, computed (never pasted) from H and alpha
    RepetitionCountTest                   4.4.1: a symbol repeated C times in a row fails
    AdaptiveProportionTest                4.4.2: the window's first symbol seen C times in W fails
    RepeatedBlockTest                     a raw block that repeats an earlier one fails
    HealthMonitor                         start-up tests, quarantine, back-off, failure log

Assumptions. The tests run on a source's symbols after extraction and before any
hashing (hashing would hide every fault). ``H`` is the min-entropy per symbol that the
source is assessed or declared to have; alpha is the false-positive probability per
test opportunity that SP 800-90B recommends (2^-20 <= alpha <= 2^-40; default 2^-20).
A test that fails means the noise source is no longer what it was assessed to be.

Start-up (4.3, item 5): a source runs both tests over its first ``STARTUP_SAMPLES``
symbols and contributes nothing until they pass; the same after every quarantine.
The monitor mixes nothing and credits nothing itself: it tells the pool what may be
mixed (``Verdict.accepted``), and the pool does the rest.
"""

from __future__ import annotations

import enum
import hashlib
import math
import time
from collections import deque
from dataclasses import dataclass, field

import numpy as np

#: SP 800-90B 4.4: alpha = 2^-20 is the least strict false-positive rate it allows.
DEFAULT_ALPHA = 2.0**-20
#: SP 800-90B 4.3 (5): start-up testing over at least 1024 consecutive samples.
STARTUP_SAMPLES = 1024
#: SP 800-90B 4.4.2: W = 1024 for binary sources, 512 for all others.
BINARY_WINDOW, NON_BINARY_WINDOW = 1024, 512


def rct_cutoff(h: float, alpha: float = DEFAULT_ALPHA) -> int:
    """SP 800-90B 4.4.1: C = 1 + ceil(-log2(alpha) / H); with alpha = 2^-20, 1 + ceil(20/H)."""
    if not h > 0:
        raise ValueError(f"min-entropy per symbol must be > 0, got {h}")
    return 1 + math.ceil(-math.log2(alpha) / h)


def apt_window(binary: bool) -> int:
    return BINARY_WINDOW if binary else NON_BINARY_WINDOW


def critbinom(n: int, p: float, alpha: float) -> int:
    """Excel's CRITBINOM(n, p, 1 - alpha): the smallest k with P(X <= k) >= 1 - alpha,
    for X ~ Binomial(n, p).

    Computed as the smallest k whose upper tail P(X > k) is at most ``alpha``, summing
    the probability mass from n downwards in log space (``math.lgamma``): the tail near
    the cutoff is what matters, and alpha may be as small as 2^-40, far below what
    1 - CDF keeps in a double. Equal to scipy's ``binom.ppf(1 - alpha, n, p)`` on every
    window and H the health tests use (tests/engine/test_health.py compares them);
    written out so that a run does not import scipy.stats (~1.7 s here).
    """
    if not 0 < p < 1:
        return n if p >= 1 else 0
    log_p, log_q = math.log(p), math.log1p(-p)
    log_n = math.lgamma(n + 1)
    tail = 0.0  # P(X > k), built from k = n - 1 downwards
    for k in range(n - 1, -1, -1):
        j = k + 1
        tail += math.exp(log_n - math.lgamma(j + 1) - math.lgamma(n - j + 1) + j * log_p + (n - j) * log_q)
        if tail > alpha:
            return k + 1
    return 0


def apt_cutoff(h: float, window: int, alpha: float = DEFAULT_ALPHA) -> int:
    """SP 800-90B 4.4.2: C = 1 + CRITBINOM(W, 2^-H, 1 - alpha).

    The cutoff never exceeds W (a window cannot hold more).
    """
    if not h > 0:
        raise ValueError(f"min-entropy per symbol must be > 0, got {h}")
    return min(window, 1 + critbinom(window, 2.0**-h, alpha))


class RepetitionCountTest:
    """Counts runs of identical symbols across calls; fails when a run reaches ``cutoff``."""

    def __init__(self, cutoff: int):
        self.cutoff = cutoff
        self.reset()

    def reset(self) -> None:
        self._last: int | None = None
        self._run = 0

    def feed(self, symbols: np.ndarray) -> int:
        """Index in ``symbols`` where the test fails, or -1."""
        s = np.asarray(symbols)
        if len(s) == 0:
            return -1
        starts = np.flatnonzero(np.concatenate(([True], s[1:] != s[:-1])))
        lengths = np.diff(np.append(starts, len(s)))
        carried = self._run if self._last is not None and s[0] == self._last else 0
        lengths[0] += carried
        over = np.flatnonzero(lengths >= self.cutoff)
        if len(over):
            run = over[0]
            return int(starts[run] + self.cutoff - 1 - (carried if run == 0 else 0))
        self._last, self._run = s[-1], int(lengths[-1])
        return -1


class AdaptiveProportionTest:
    """Counts the first symbol of each ``window``-sample window; fails at ``cutoff`` hits."""

    def __init__(self, cutoff: int, window: int):
        self.cutoff, self.window = cutoff, window
        self.reset()

    def reset(self) -> None:
        self._reference = None
        self._count = 0
        self._remaining = 0  # samples still to see in the open window

    def feed(self, symbols: np.ndarray) -> int:
        """Index in ``symbols`` where the test fails, or -1."""
        s = np.asarray(symbols)
        position = 0
        if self._remaining:
            part = s[: self._remaining]
            hits = self._count + np.cumsum(part == self._reference)
            failed = np.flatnonzero(hits >= self.cutoff)
            if len(failed):
                return int(failed[0])
            self._count = int(hits[-1]) if len(hits) else self._count
            self._remaining -= len(part)
            position = len(part)
        full = (len(s) - position) // self.window
        if full:
            block = s[position : position + full * self.window].reshape(full, self.window)
            hits = np.cumsum(block == block[:, :1], axis=1)
            rows, cols = np.nonzero(hits >= self.cutoff)
            if len(rows):
                return int(position + rows[0] * self.window + cols[0])
            position += full * self.window
        rest = s[position:]
        if len(rest):
            self._reference, self._remaining = rest[0], self.window - len(rest)
            hits = np.cumsum(rest == rest[0])
            failed = np.flatnonzero(hits >= self.cutoff)
            if len(failed):
                return int(position + failed[0])
            self._count = int(hits[-1])
        return -1


#: A raw block's fingerprint covers its first samples carrying this much declared
#: min-entropy: two honest blocks then share a fingerprint with probability about 2^-128
#: (a birthday bound over every block a source could ever produce stays far below 2^-64).
FINGERPRINT_BITS = 128
#: Fingerprints kept per source: a day of one round a second would be 86,400; 4,096
#: rounds (over an hour of back-to-back rounds) catch a generator restarted with a fixed
#: seed, which repeats from its first block.
FINGERPRINTS_KEPT = 4096


class RepeatedBlockTest:
    """Fails a raw block whose opening samples repeat an earlier block's exactly.

    Not an SP 800-90B test: it catches what RCT and APT cannot see, a source that is a
    deterministic generator restarted with a fixed seed (each round the same block).
    The fingerprint is SHA-256 of the first ``ceil(128 / H)`` raw samples, so a repeat
    contradicts the declared H with probability ~2^-128 of a false alarm; shorter blocks
    are not fingerprinted (they claim too little to say so).
    """

    def __init__(self, h: float, kept: int = FINGERPRINTS_KEPT):
        self.samples = math.ceil(FINGERPRINT_BITS / h)
        self._order: deque[bytes] = deque(maxlen=kept)
        self._seen: set[bytes] = set()

    def feed(self, raw: np.ndarray) -> bool:
        """False when ``raw`` repeats an earlier block's opening."""
        raw = np.ascontiguousarray(raw)
        if len(raw) < self.samples:
            return True
        digest = hashlib.sha256(raw[: self.samples].tobytes()).digest()
        if digest in self._seen:
            return False
        if len(self._order) == self._order.maxlen:
            self._seen.discard(self._order[0])
        self._order.append(digest)
        self._seen.add(digest)
        return True


class HealthState(str, enum.Enum):
    STARTUP = "startup"  # running the start-up tests; contributes nothing yet
    HEALTHY = "healthy"
    QUARANTINED = "quarantined"  # failed; waiting for its back-off before a new start-up


@dataclass(frozen=True)
class HealthFailure:
    test: str  # "repetition_count", "adaptive_proportion" or "repeated_block"
    at: float  # wall-clock time (time.time())
    sample: int  # index of the failing symbol within that round's symbols


@dataclass(frozen=True)
class Verdict:
    state: HealthState
    accepted: np.ndarray  # the symbols that may be mixed and credited (possibly empty)
    failure: HealthFailure | None = None


@dataclass
class HealthMonitor:
    """Health of one source across rounds.

    ``backoff_s`` doubles after each consecutive failure, up to ``max_backoff_s``; a
    source that passes a full start-up again resets it.
    """

    h: float = 1.0
    alpha: float = DEFAULT_ALPHA
    binary: bool = False
    backoff_s: float = 1.0
    max_backoff_s: float = 60.0
    state: HealthState = HealthState.STARTUP
    failures: list[HealthFailure] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rct = RepetitionCountTest(rct_cutoff(self.h, self.alpha))
        window = apt_window(self.binary)
        self.apt = AdaptiveProportionTest(apt_cutoff(self.h, window, self.alpha), window)
        self.repeats = RepeatedBlockTest(self.h)
        self._startup_seen = 0
        self._quarantined_until = 0.0
        self._consecutive = 0

    @property
    def failure_count(self) -> int:
        return len(self.failures)

    def _restart(self) -> None:
        self.rct.reset()
        self.apt.reset()
        self._startup_seen = 0
        self.state = HealthState.STARTUP

    def check(self, symbols: np.ndarray, now: float | None = None, raw: np.ndarray | None = None) -> Verdict:
        """Run the tests on this round's symbols (and ``raw``, the samples they came
        from, for repeats) and decide what may be mixed."""
        now = time.monotonic() if now is None else now
        empty = np.asarray(symbols)[:0]
        fresh = raw is None or self.repeats.feed(raw)  # remembered even while quarantined
        if self.state is HealthState.QUARANTINED:
            if now < self._quarantined_until:
                return Verdict(self.state, empty)
            self._restart()
        if not fresh:
            return self._fail("repeated_block", 0, now, empty)
        for name, test in (("repetition_count", self.rct), ("adaptive_proportion", self.apt)):
            index = test.feed(symbols)
            if index >= 0:
                return self._fail(name, index, now, empty)
        if self.state is HealthState.STARTUP:
            needed = STARTUP_SAMPLES - self._startup_seen
            self._startup_seen += len(symbols)
            if self._startup_seen < STARTUP_SAMPLES:
                return Verdict(self.state, empty)
            self.state, self._consecutive = HealthState.HEALTHY, 0
            return Verdict(self.state, np.asarray(symbols)[needed:])
        return Verdict(self.state, np.asarray(symbols))

    def _fail(self, test: str, index: int, now: float, empty: np.ndarray) -> Verdict:
        failure = HealthFailure(test, time.time(), index)
        self.failures.append(failure)
        self._consecutive += 1
        wait = min(self.max_backoff_s, self.backoff_s * 2 ** (self._consecutive - 1))
        self._quarantined_until = now + wait
        self.state = HealthState.QUARANTINED
        return Verdict(self.state, empty, failure)
