"""``extract``: a source's stages applied to its samples, the one way every part of the
engine and its front-ends turns raw samples into bytes.

    extract(stages, samples) -> np.ndarray      the stages' output (any dtype)
    extract_bytes(stages, samples) -> uint8     the same, as little-endian bytes

Stages are pure functions (pipelines/conditioners.py): extraction credits nothing and
touches no live object, so it can run on any machine.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from openentropy.pipelines.conditioners import as_bytes


def extract(stages: Iterable[Any], samples: np.ndarray) -> np.ndarray:
    """``samples`` passed through ``stages`` in order."""
    data = samples
    for stage in stages:
        data = stage.apply(data)
    return data


def extract_bytes(stages: Iterable[Any], samples: np.ndarray) -> np.ndarray:
    """``extract`` as uint8 bytes (what the pool mixes and the estimators read)."""
    return as_bytes(extract(stages, samples))
