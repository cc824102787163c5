"""The engine: profiles, their compilation to a dask graph, the runner and the pool.

Public names are imported lazily (first attribute access), so ``import
openentropy.engine.errors`` from a source module does not pull in the whole engine.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "BLOCK": ".block_input",
    "Drbg": ".drbg",
    "DrbgError": ".errors",
    "EntropyPool": ".pool",
    "Harvest": ".runner",
    "PoolStatus": ".status",
    "OpenEntropyError": ".errors",
    "PoolError": ".errors",
    "Profile": ".profile",
    "ProfileError": ".errors",
    "RoundResult": ".outcome",
    "RunSummary": ".outcome",
    "SinkError": ".errors",
    "SourceHealth": ".runner",
    "SourceReader": ".source_reader",
    "SourceRound": ".outcome",
    "SourceState": ".status",
    "SourceUnavailableError": ".errors",
    "Status": ".outcome",
    "UnknownSourceError": ".errors",
    "compile_profile": ".compiler",
    "create_drbg": ".drbg",
    "load_profile": ".loader",
    "load_profile_text": ".loader",
    "read_sources": ".source_reader",
    "run": ".runner",
    "shipped_profiles": ".loader",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'openentropy.engine' has no attribute '{name}'")
    return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
