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

from .app import create_app
from .settings import Settings

__all__ = ["Settings", "create_app"]
