"""The engine: profiles, their compilation to a dask graph, the runner and the pool.

Public names are imported lazily (first attribute access), so importing one engine
module does not pull in the whole engine. The errors live at the package root
(``openentropy.errors``), shared by every layer; they are re-exported here.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "BLOCK": ".block_input",
    "Drbg": ".drbg",
    "DrbgError": "openentropy.errors",
    "EntropyPool": ".pool",
    "Harvest": ".runner",
    "PoolStatus": ".status",
    "OpenEntropyError": "openentropy.errors",
    "PoolError": "openentropy.errors",
    "Profile": ".profile",
    "ProfileError": "openentropy.errors",
    "RoundResult": ".outcome",
    "RunSummary": ".outcome",
    "SinkError": "openentropy.errors",
    "SourceData": ".outcome",
    "SourceHealth": ".status",
    "SourceReader": ".source_reader",
    "SourceRound": ".outcome",
    "SourceState": ".status",
    "SourceUnavailableError": "openentropy.errors",
    "Status": ".outcome",
    "UnknownSourceError": "openentropy.errors",
    "compile_profile": ".compiler",
    "create_drbg": ".drbg",
    "load_profile": ".loader",
    "load_profile_text": ".loader",
    "read_sources": ".source_reader",
    "run": ".runner",
    "shipped_profiles": ".loader",
    "stream_sources": ".source_reader",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'openentropy.engine' has no attribute '{name}'")
    return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
