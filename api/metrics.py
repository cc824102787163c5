"""Prometheus metrics (``prometheus_client``): requests per route, the pools' state, the process.

    Metrics              one app's metrics in its own ``CollectorRegistry``: two apps in
                         one process (tests, the shell's ``serve``) never share a series
    MetricsMiddleware    pure ASGI (no per-request task or body copy): times each request
                         and counts it under its route template (``/profiles/{name}``)
    Metrics.render       the exposition the scraper asked for (``Accept``): Prometheus
                         text 0.0.4 by default, OpenMetrics on request

Label values come from fixed sets, so no request can add a series (a made-up method or
path once added one per request: 2,000 requests grew ``/metrics`` from 5.9 KB to 161 KB):

    route    a route template of the app, or ``<unmatched>`` for every other path and
             for requests refused before routing (a declared body over the cap: 413)
    method   one of METHODS, or ``other``
    status   the status the app sent (the app's own, short list of codes)

Series (``profile`` and ``source`` labels as in the profile):
    oe_http_requests_total{route,method,status}        counter
    oe_http_request_duration_seconds{route}            histogram
    oe_bytes_served_total{profile}                     counter: random bytes sent to clients
    oe_rounds_total{profile}                           counter: harvest rounds completed
    oe_pool_credited_bits_total / oe_pool_drawn_bits_total / oe_pool_balance_bits{profile}
    oe_pool_output_bytes_total / oe_pool_buffered_output_bytes{profile}
    oe_source_credited_bits_total{profile,source}      counter
    oe_source_health_failures_total{profile,source}    counter: SP 800-90B test failures
    oe_source_healthy{profile,source}                  gauge 1/0
    oe_rate_limited_total                              counter: 429s
    process_* and python_info                          prometheus_client's process and
                                                       platform collectors

The pool series are read at scrape time (``pool.status()`` takes the pool's lock, so
``render`` runs in a worker thread); the request series are updated on the event loop.
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram, PlatformCollector, ProcessCollector
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily

#: Histogram bucket bounds in seconds: sub-millisecond handlers up to the 2 s default timeout.
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
UNMATCHED = "<unmatched>"
#: The request methods of RFC 9110 (section 9) and PATCH (RFC 5789); anything else is "other".
METHODS = frozenset({"CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"})
OTHER_METHOD = "other"

PER_POOL = (  # name, kind, help, value of (ServedPool, PoolStatus)
    ("oe_bytes_served", "counter", "random bytes sent to clients", lambda p, s: p.bytes_served),
    ("oe_rounds", "counter", "harvest rounds completed", lambda p, s: p.rounds),
    ("oe_pool_credited_bits", "counter", "entropy credited to the pool", lambda p, s: s.credited_bits),
    ("oe_pool_drawn_bits", "counter", "credit debited by full-entropy output", lambda p, s: s.drawn_bits),
    ("oe_pool_balance_bits", "gauge", "credited entropy available now", lambda p, s: s.balance_bits),
    ("oe_pool_output_bytes", "counter", "bytes the pool has produced", lambda p, s: s.output_bytes),
    ("oe_pool_buffered_output_bytes", "gauge", "output generated ahead of requests", lambda p, s: len(p.buffer)),
)
PER_SOURCE = (  # name, kind, help, value of SourceState
    ("oe_source_credited_bits", "counter", "entropy credited per source", lambda s: s.credited_bits),
    ("oe_source_health_failures", "counter", "SP 800-90B health-test failures", lambda s: s.health_failures),
    ("oe_source_healthy", "gauge", "1 when the source's last collect was healthy", lambda s: int(s.healthy)),
)
_FAMILY = {"counter": CounterMetricFamily, "gauge": GaugeMetricFamily}


class _PoolCollector:
    """The served pools' series, read from ``state`` (a ServerState) at scrape time."""

    def __init__(self) -> None:
        self.state = None

    def describe(self) -> list:
        return []  # nothing to check at registration; the series exist only while serving

    def collect(self):
        state = self.state
        if state is None:
            return
        pools = [(pool, pool.status()) for pool in list(state.pools.values())]
        for name, kind, text, value in PER_POOL:
            family = _FAMILY[kind](name, text, labels=("profile",))
            for pool, status in pools:
                family.add_metric((pool.name,), value(pool, status))
            yield family
        for name, kind, text, value in PER_SOURCE:
            family = _FAMILY[kind](name, text, labels=("profile", "source"))
            for pool, status in pools:
                for source in status.sources:
                    family.add_metric((pool.name, source.name), value(source))
            yield family
        yield CounterMetricFamily("oe_rate_limited", "requests refused by a rate limit (429)", value=state.rates.limited)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("oe_http_requests", "HTTP requests by route template, method and status",
                                ("route", "method", "status"), registry=self.registry)
        self.latency = Histogram("oe_http_request_duration_seconds", "HTTP request latency by route template",
                                 ("route",), buckets=BUCKETS, registry=self.registry)
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        self._pools = _PoolCollector()
        self.registry.register(self._pools)
        # (route, method, status) -> (counter, histogram) children: labels() costs a lock and
        # a dict build per call; the key set is bounded by the fixed label values
        self._children: dict[tuple[str, str, int], tuple] = {}

    def watch(self, state) -> None:
        """Report ``state``'s pools (a ServerState) from now on."""
        self._pools.state = state

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        key = (route, method if method in METHODS else OTHER_METHOD, status)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (self.requests.labels(key[0], key[1], str(status)),
                                              self.latency.labels(route))
        children[0].inc()
        children[1].observe(seconds)

    def render(self, accept: str | None = None) -> tuple[bytes, str]:
        """(body, content type) in the format ``accept`` asks for. Blocks on the pools'
        locks: call it in a worker thread."""
        encode, content_type = choose_encoder(accept or "")
        return encode(self.registry), content_type


class MetricsMiddleware:
    """``plain_paths``: paths of plain Starlette routes without parameters (FastAPI's routes
    put themselves in the scope; a plain route only its endpoint, so its path is taken
    from the request, but only when it is one of these)."""

    def __init__(self, app, metrics: Metrics, plain_paths: frozenset[str] = frozenset()):
        self.app = app
        self.metrics = metrics
        self.plain_paths = plain_paths

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status_box = [500]

        async def send_status(message):
            if message["type"] == "http.response.start":
                status_box[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            # the router puts the matched route (full or method-only match) in the scope
            route = getattr(scope.get("route"), "path", None)
            if route is None:
                route = scope["path"] if "endpoint" in scope and scope["path"] in self.plain_paths else UNMATCHED
            self.metrics.observe(route, scope["method"], status_box[0], time.perf_counter() - started)
