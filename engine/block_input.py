"""What each output block hashes after the state: its input bytes and a tail.

    input_i = chunk_i || counter_i (u64 LE) || time_ns (u64 LE) [|| 8 OS bytes]

``chunk_i`` is taken from the sources' buffers in registry order, with the credit its
bytes carry (accounting.py). Two ways of choosing it:

    sha256_inputs             each source's weighted share of ``input_per_block`` bytes,
                              whatever credit they carry; many blocks laid out at once
    plan_full_entropy_block   the same weighted share, then as many more of the oldest
                              credited bytes as it takes for the block to carry
                              ``need_bits`` (320): weights split the missing credit, any
                              source with credit left makes up the rest; None if the
                              buffers cannot cover it

Nothing here credits anything; taking bytes moves their credit with them.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .accounting import EPSILON_BITS, CreditedBuffer, Cursor

BLOCK = 32  # SHA-256 digest size: bytes per output block


def quotas(available: dict[str, float], input_per_block: int) -> dict[str, int]:
    """Each source's bytes per block: its weight's share of ``input_per_block`` (>= 1 each)."""
    total = sum(available.values())
    if not total or not input_per_block:
        return {}
    return {name: max(1, round(input_per_block * w / total)) for name, w in available.items()}


def tails(counter: int, blocks: int, os_random: bool) -> np.ndarray:
    """Per block: counter (u64 LE), time_ns (u64 LE, read once per request) [, 8 OS bytes]."""
    tail = np.empty((blocks, 16 + 8 * os_random), np.uint8)
    tail[:, :8] = np.arange(counter, counter + blocks, dtype="<u8").view(np.uint8).reshape(blocks, 8)
    tail[:, 8:16] = np.frombuffer(time.time_ns().to_bytes(8, "little"), np.uint8)
    if os_random:
        tail[:, 16:] = np.frombuffer(os.urandom(8 * blocks), np.uint8).reshape(blocks, 8)
    return tail


@dataclass
class BlockInputs:
    rows: Sequence[bytes | memoryview]  # one per block: chunk || tail
    bits: float  # credit carried by all the chunks together

    @classmethod
    def from_plans(cls, plans: list[dict[str, int]], buffers: dict[str, CreditedBuffer], counter: int,
                   os_random: bool) -> "BlockInputs":
        """Take the planned bytes (oldest first) and cut them into the blocks' chunks."""
        taken, bits = {}, 0.0
        for name in buffers:
            total = sum(plan.get(name, 0) for plan in plans)
            if total:
                taken[name], carried = buffers[name].take(total)
                bits += carried
        offsets = dict.fromkeys(taken, 0)
        tail = tails(counter, len(plans), os_random)
        rows = []
        for i, plan in enumerate(plans):
            parts = []
            for name in taken:
                k = plan.get(name, 0)
                parts.append(taken[name][offsets[name] : offsets[name] + k])
                offsets[name] += k
            rows.append(b"".join(parts) + tail[i].tobytes())
        return cls(rows, bits)


def sha256_inputs(buffers: dict[str, CreditedBuffer], weights: dict[str, float], input_per_block: int,
                  blocks: int, counter: int, os_random: bool) -> BlockInputs:
    """``blocks`` inputs of each source's weighted share, whatever its credit.

    When every source can fill its quota (the common case) all blocks' inputs are laid
    out in one numpy matrix, copied once out of the buffers; otherwise chunks are ragged.
    """
    shares = quotas({n: w for n, w in weights.items() if len(buffers[n])}, input_per_block)
    takes = {name: min(len(buffers[name]), q * blocks) for name, q in shares.items()}
    tail = tails(counter, blocks, os_random)
    bits = 0.0
    if all(takes[name] == q * blocks for name, q in shares.items()):
        width = sum(shares.values())
        rows = np.empty((blocks, width + tail.shape[1]), np.uint8)
        column = 0
        for name, q in shares.items():
            buffer = buffers[name]
            with memoryview(buffer.data) as view:
                source = np.frombuffer(view, np.uint8, count=q * blocks)
                rows[:, column : column + q] = source.reshape(blocks, q)
                del source  # release the export before the buffer shrinks
            bits += buffer.discard(q * blocks)
            column += q
        rows[:, width:] = tail
        flat, stride = memoryview(rows.reshape(-1)), rows.shape[1]
        return BlockInputs([flat[i * stride : (i + 1) * stride] for i in range(blocks)], bits)
    slices = []
    for name, q in shares.items():
        data, carried = buffers[name].take(takes[name])
        slices.append((q, data))
        bits += carried
    rows = [b"".join(data[i * q : (i + 1) * q] for q, data in slices) + tail[i].tobytes() for i in range(blocks)]
    return BlockInputs(rows, bits)


def plan_full_entropy_block(cursors: dict[str, Cursor], weights: dict[str, float], input_per_block: int,
                            need_bits: float) -> dict[str, int] | None:
    """Bytes per source for one block carrying >= ``need_bits``, or None (cursors then
    stand past a failed plan: stop planning)."""
    plan: dict[str, int] = {}
    bits = 0.0

    def take(name: str, count: int, carried: float) -> None:
        nonlocal bits
        plan[name] = plan.get(name, 0) + count
        bits += carried

    left = {n: w for n, w in weights.items() if cursors[n].bytes_left}
    for name, q in quotas(left, input_per_block).items():
        take(name, *cursors[name].take_bytes(q))
    credited = {n: weights[n] for n in weights if cursors[n].bits_left > EPSILON_BITS}
    total = sum(credited.values())
    missing = need_bits - bits
    if missing > EPSILON_BITS and total:
        for name, w in credited.items():
            take(name, *cursors[name].take_credit(missing * w / total))
        for name in credited:
            if bits + EPSILON_BITS >= need_bits:
                break
            take(name, *cursors[name].take_credit(need_bits - bits))
    return plan if bits + EPSILON_BITS >= need_bits else None

