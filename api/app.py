"""The FastAPI application: ``create_app(settings)``.

    app = create_app(Settings(profiles=("server",)))
    uvicorn.run(app, host="127.0.0.1", port=8042)

Profiles are loaded (and validated) in ``create_app``, so a broken profile fails before
the server binds. The ``lifespan`` starts one ``ServedPool`` per profile (harvest and
refill threads, see feeder.py) and puts the ``ServerState`` on ``app.state.server``;
routes get it through the ``get_state`` dependency. On shutdown every pool is stopped and
its threads joined.

Middleware, outermost first: forwarded headers (only with trusted proxies, see
proxies.py), metrics (every request, 413s included), the body cap (bodies.py) and,
only when ``server.cors_origins`` is non-empty, CORS. All but CORS are pure ASGI.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

import anyio
import anyio.to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from . import errors, openapi
from .bodies import BodyLimitMiddleware
from .feeder import READY_TIMEOUT_S, ServedPool
from .metrics import Metrics, MetricsMiddleware
from .proxies import ForwardedMiddleware, parse_proxies
from .ratelimit import RateLimiter
from .routes_anu import FAST_ROUTES
from .routes_anu import router as anu_router
from .routes_bytes import router as bytes_router
from .routes_events import router as events_router
from .routes_metrics import router as metrics_router
from .routes_profiles import router as profiles_router
from .routes_status import router as status_router
from .settings import ApiKey, Settings, load_profiles, server_spec, trusted_proxies
from .state import ServerState

log = logging.getLogger("openentropy.api")

DESCRIPTION = """Random bytes from openentropy's measured, health-tested pools.

`/API/jsonI.php` and `/api/v1/random` speak the ANU QRNG JSON API: point an ANU client at
this server's base URL. Control and raw-data operations need the API key in a header
(`Authorization: Bearer KEY` or `X-API-Key: KEY`)."""


def _start(profile, ref) -> ServedPool:
    pool = ServedPool(profile, ref).start()
    pool.wait_ready(READY_TIMEOUT_S)
    return pool


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    profiles = load_profiles(settings)
    spec = server_spec(profiles)
    api_key = ApiKey.from_env(settings.api_key_env or spec.api_key_env)
    proxies = parse_proxies(trusted_proxies(settings, spec))
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        state = ServerState(
            settings=settings, spec=spec, api_key=api_key, metrics=metrics,
            rates=RateLimiter(spec.rate_limit, spec.max_bytes),
            limiter=anyio.CapacityLimiter(settings.worker_threads),
        )
        try:
            for profile, ref in profiles:
                pool = await anyio.to_thread.run_sync(_start, profile, ref)
                state.pools[pool.name] = pool
                state.refs[pool.name] = ref
            log.info("serving %s; API key %s", ", ".join(state.pools), "configured" if api_key.enabled else "not set")
            app.state.server = state
            metrics.watch(state)
            yield
        finally:
            for pool in list(state.pools.values()):
                await anyio.to_thread.run_sync(pool.stop)

    app = FastAPI(title="openentropy", description=DESCRIPTION, version="0.1.0", lifespan=lifespan)
    app.router.routes.extend(FAST_ROUTES)  # matched before the documented ANU routes below
    routers = (anu_router, bytes_router, status_router, events_router, metrics_router, profiles_router)
    for router in routers:
        app.include_router(router)
    errors.install(app, routes=[*FAST_ROUTES, *(route for router in routers for route in router.routes)])
    openapi.install(app)
    if spec.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=spec.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "X-API-Key", "Content-Type"])
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(MetricsMiddleware, metrics=metrics, plain_paths=frozenset(r.path for r in FAST_ROUTES))
    if proxies:
        app.add_middleware(ForwardedMiddleware, networks=proxies)
    return app
