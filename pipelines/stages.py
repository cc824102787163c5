"""Profile models for conditioning stages, one per ``type``, as a discriminated union.

A stage in YAML is a mapping with a ``type`` and that stage's options, e.g.
``{type: xor_fold, rounds: 2}``. ``StageSpec`` validates it; ``apply`` runs the pure
function from ``conditioners`` that does the work.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

import numpy as np
from pydantic import Field, TypeAdapter

from openentropy.strict import StrictModel

from . import conditioners


class _Stage(StrictModel):
    def apply(self, data: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class RawStage(_Stage):
    """Pass the bytes through unchanged."""

    type: Literal["raw"] = "raw"

    def apply(self, data: np.ndarray) -> np.ndarray:
        return conditioners.raw(data)


class DeltaStage(_Stage):
    """Consecutive differences of timestamps."""

    type: Literal["delta"] = "delta"

    def apply(self, data: np.ndarray) -> np.ndarray:
        return conditioners.delta(data)


class GcdStage(_Stage):
    """Divide timer deltas by their greatest common divisor."""

    type: Literal["gcd"] = "gcd"

    def apply(self, data: np.ndarray) -> np.ndarray:
        return conditioners.gcd_divide(data)


class XorWhitenStage(_Stage):
    """XOR of neighbouring samples."""

    type: Literal["xor_whiten"] = "xor_whiten"

    def apply(self, data: np.ndarray) -> np.ndarray:
        return conditioners.xor_whiten(data)


class LsbStage(_Stage):
    """Keep the lowest byte of each sample."""

    type: Literal["lsb"] = "lsb"

    def apply(self, data: np.ndarray) -> np.ndarray:
        return conditioners.lsb(data)


class XorFoldStage(_Stage):
    """Fold the bytes in half ``rounds`` times."""

    type: Literal["xor_fold"] = "xor_fold"
    rounds: int = Field(1, ge=1, le=8, description="halvings; output is 1/2**rounds of the input")

    def apply(self, data: np.ndarray) -> np.ndarray:
        return conditioners.xor_fold(data, self.rounds)


class VonNeumannStage(_Stage):
    """Von Neumann debiasing of the bit stream."""

    type: Literal["von_neumann"] = "von_neumann"

    def apply(self, data: np.ndarray) -> np.ndarray:
        return conditioners.von_neumann(data)


class Sha256Stage(_Stage):
    """Chained SHA-256 over fixed-size blocks (32 bytes out per block)."""

    type: Literal["sha256"] = "sha256"
    block: int = Field(64, ge=32, le=65536, description="input bytes per 32-byte output block")

    def apply(self, data: np.ndarray) -> np.ndarray:
        return conditioners.sha256(data, self.block)


StageSpec = Annotated[
    Union[RawStage, DeltaStage, GcdStage, XorWhitenStage, LsbStage, XorFoldStage, VonNeumannStage, Sha256Stage],
    Field(discriminator="type"),
]

_ADAPTER = TypeAdapter(StageSpec)


def parse_stages(mappings) -> list:
    """Validated stage models from profile mappings such as ``{"type": "delta"}``
    (a source's ``default_stages``); one shared TypeAdapter, built once."""
    return [_ADAPTER.validate_python(mapping) for mapping in mappings]


STAGE_TYPES = ("delta", "gcd", "lsb", "raw", "sha256", "von_neumann", "xor_fold", "xor_whiten")
