"""A cap on per-byte entropy from how well deflate describes each block from the ones before.

``deflate_bound(data)`` catches deterministic data that the frequency and bit-Markov
estimates credit in full: a byte counter 0..255 has a flat histogram (MCV ~7.3 bits per
byte on 4 KiB), yet each byte follows from the one before. The per-round estimate
(``estimates.online_min_entropy``) takes the smaller of this cap and the SP 800-90B
figures. Nothing here mixes or credits; it returns bits per byte, 0..8.

How: the bytes become their first differences mod 256 (``steps``), which are cut into
blocks; one raw deflate stream (RFC 1951, zlib) compresses them in order with a sync
flush after each block, so block j is coded with the earlier blocks as its history
(up to 32 KiB back). The bound is the smallest block's cost, 8 x (bytes out - 4) /
bytes in, clipped to 8: the worst stretch of the round decides, as the longest run of
correct guesses does in SP 800-90B's predictors (6.3.7 step 5, P_local).

What it catches: anything whose later blocks repeat what came before, in steps or in
values: a constant; a period-k pattern once some block starts k or more bytes into the
input (k up to three quarters of the input, and up to 32 KiB, deflate's history); a
counter or a slow ramp (steps constant, or periodic: floor(0.37 i)); a counter XOR a
constant, a 16-bit counter's bytes, and any byte recurrence x[i+1] = f(x[i]) such as an
LCG mod 256 (period at most 256). Measured: 0.04-0.09 bits per byte on 16 KiB or more
of such data, 0.07-0.11 on 4 KiB, 0.13-0.19 on 1 KiB; 0.12-0.16 for the 16-bit counter
(tests/pipelines/test_online_estimate.py). What it does not catch: deterministic data without repeats
within the window, e.g. a hash of a counter, the high byte of a 32-bit LCG, any PRNG
with a long period. Those need a model of the generator, not a compressor.

Why it does not punish real noise: deflate with the past as its state is a prefix code
for block j given the past, so Kraft's inequality bounds how often it can beat the
block's true self-information: P(L(x) <= -log2 p(x | past) - c) <= sum over such x of
2^(-L(x) - c) <= 2^-c (the argument behind the "competitive optimality of the Shannon
code", Cover & Thomas, Elements of Information Theory). And -log2 p(x | past) is at
least the block's conditional min-entropy for every x. So on a genuine source a block's
cost falls more than c bits below its min-entropy with probability at most 2^-c: c = 40
costs 0.01 bits per byte on a 4 KiB block, 0.16 on a 256-byte block, and the min over
m blocks (16 for 64 KiB) raises the probability only m-fold. Steps instead of values lose
nothing: they are a bijection of the block given the byte before it, which the past
holds. Incompressible blocks are stored, so uniform bytes score just over 8 and the cap
never binds on them.

Cost: one deflate pass, ~30 MB/s on noise here (faster on repetitive data): ~2 ms for
64 KiB, linear in the input; callers bound the input (``estimates.online_sample``).

Constants:
- ``LEVEL = 6``: zlib's default compromise (zlib manual, Z_DEFAULT_COMPRESSION). On noise
  it costs the same as level 1 here; on repetitive data its blocks come out 30-40% smaller.
- ``WINDOW_BITS = 15``: deflate's largest history, 32 KiB (RFC 1951 section 2); passed
  negative for a raw stream, without zlib's header and checksum.
- ``SYNC_MARKER_BYTES = 4``: a sync flush ends with an empty stored block whose
  LEN/NLEN are 00 00 FF FF (RFC 1951 section 3.2.4; zlib manual, Z_SYNC_FLUSH). The
  four bytes are the same after every block, carry nothing, and are not counted.
- ``BLOCK_MAX = 4096``, ``BLOCK_MIN = 256``, ``MIN_BLOCKS = 4``: blocks are a quarter
  of the input, kept between 256 bytes and 4 KiB. Each block pays deflate's framing
  (block header, end code, Huffman tables: ~4 bytes on 256, ~20 on 4 KiB), the floor
  deterministic data cannot go below: ~0.04 bits per byte at 4 KiB, ~0.13 at 256
  bytes (benchmarks/online_estimate.py --levels). Smaller blocks would see a stretch
  of predictable data sooner but raise that floor; larger ones lower it and blur a
  short stretch. Four blocks leave three coded with history, so a period up to three
  quarters of a short input is caught.
"""

from __future__ import annotations

import zlib

import numpy as np

#: zlib's default level (the zlib manual's Z_DEFAULT_COMPRESSION is level 6).
LEVEL = 6
#: Deflate's 32 KiB history (RFC 1951 section 2); negated for a raw stream.
WINDOW_BITS = 15
#: The 00 00 FF FF that ends every sync flush (RFC 1951 3.2.4 LEN/NLEN of an empty stored block).
SYNC_MARKER_BYTES = 4
#: Block sizes: a quarter of the input within [BLOCK_MIN, BLOCK_MAX] (floors measured, see above).
BLOCK_MAX = 4096
BLOCK_MIN = 256
MIN_BLOCKS = 4


def steps(data: np.ndarray) -> np.ndarray:
    """First differences mod 256, the first byte kept as is (so the map is a bijection)."""
    data = np.asarray(data, dtype=np.uint8).ravel()
    out = data.copy()
    out[1:] -= data[:-1]  # uint8 arithmetic wraps mod 256
    return out


def block_size(n: int) -> int:
    """A quarter of ``n`` bytes, within [BLOCK_MIN, BLOCK_MAX]."""
    return min(BLOCK_MAX, max(BLOCK_MIN, n // MIN_BLOCKS))


def block_costs(data: np.ndarray) -> list[float]:
    """Bits per byte deflate spends on each block of ``data``'s steps, given the blocks before.

    The last block takes the remainder (at most one block more), so no block is tiny.
    """
    payload = steps(data).tobytes()
    n = len(payload)
    if n == 0:
        return []
    size = block_size(n)
    bounds = list(range(0, n, size))
    if len(bounds) > 1 and n - bounds[-1] < size:
        bounds.pop()
    bounds.append(n)
    deflate = zlib.compressobj(LEVEL, zlib.DEFLATED, -WINDOW_BITS)
    costs = []
    for start, end in zip(bounds, bounds[1:]):
        out = len(deflate.compress(payload[start:end])) + len(deflate.flush(zlib.Z_SYNC_FLUSH))
        costs.append(8.0 * max(0, out - SYNC_MARKER_BYTES) / (end - start))
    return costs


def deflate_bound(data: np.ndarray) -> float:
    """Bits per byte (0..8): the cheapest block's deflate cost; 0 for fewer than 2 bytes."""
    if len(data) < 2:
        return 0.0
    return min(8.0, *block_costs(data))
