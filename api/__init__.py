"""The REST service (FastAPI): profile-defined pools over HTTP, ANU QRNG compatible.

    from openentropy.api import Settings, create_app
    app = create_app(Settings(profiles=("server",), api_key_env="OE_API_KEY"))

Map: app.py (create_app, lifespan), settings.py, state.py (ServerState, dependencies),
feeder.py (a pool kept filling in threads) and buffer.py (output made ahead; per-source
reads use the engine's source_reader), output.py (a request's bytes), anu.py (ANU encoding), query.py (what
each query parameter accepts) and openapi.py (the document), auth.py, bodies.py (the
body cap), proxies.py (trusted forwarded headers), ratelimit.py, metrics.py, errors.py,
models.py, and one router per routes_*.py.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Imported on first use, so the engine can compose ``profile_section`` into the profile
#: schema without starting the service's imports (FastAPI, uvicorn).
_EXPORTS = {"Settings": ".settings", "create_app": ".app"}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'openentropy.api' has no attribute '{name}'")
    return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
