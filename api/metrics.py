"""Prometheus metrics: request counts and latencies per route, plus the pools' state.

    MetricsMiddleware   pure ASGI (no per-request task or body copy): times each request
                        and counts it under its route template (``/profiles/{name}``), so
                        label values stay few; unmatched paths count as ``<unmatched>``
    Metrics.render      the text exposition format (version 0.0.4)

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
"""

from __future__ import annotations

import time
from collections import defaultdict

#: Histogram bucket bounds in seconds: sub-millisecond handlers up to the 2 s default timeout.
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
UNMATCHED = "<unmatched>"


class Metrics:
    def __init__(self) -> None:
        self.requests: dict[tuple[str, str, int], int] = defaultdict(int)
        self.latency: dict[str, list[float]] = {}  # route -> bucket counts..., sum, count

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests[(route, method, status)] += 1
        row = self.latency.get(route)
        if row is None:
            row = self.latency[route] = [0.0] * (len(BUCKETS) + 2)
        for i, bound in enumerate(BUCKETS):
            if seconds <= bound:
                row[i] += 1
                break
        row[-2] += seconds
        row[-1] += 1

    def render(self, pools: list[tuple[object, object]], rate_limited: int) -> str:
        """``pools``: (ServedPool, PoolStatus) pairs."""
        out: list[str] = []
        add = out.append
        _head(add, "oe_http_requests_total", "counter", "HTTP requests by route template, method and status")
        for (route, method, status), count in sorted(self.requests.items()):
            add(f'oe_http_requests_total{{route="{_esc(route)}",method="{method}",status="{status}"}} {count}')
        _head(add, "oe_http_request_duration_seconds", "histogram", "HTTP request latency by route template")
        for route, row in sorted(self.latency.items()):
            label = f'route="{_esc(route)}"'
            running = 0.0
            for bound, count in zip(BUCKETS, row):
                running += count
                add(f'oe_http_request_duration_seconds_bucket{{{label},le="{bound:g}"}} {running:g}')
            add(f'oe_http_request_duration_seconds_bucket{{{label},le="+Inf"}} {row[-1]:g}')
            add(f"oe_http_request_duration_seconds_sum{{{label}}} {row[-2]:.6f}")
            add(f"oe_http_request_duration_seconds_count{{{label}}} {row[-1]:g}")
        per_pool = [
            ("oe_bytes_served_total", "counter", "random bytes sent to clients", lambda p, s: p.bytes_served),
            ("oe_rounds_total", "counter", "harvest rounds completed", lambda p, s: p.rounds),
            ("oe_pool_credited_bits_total", "counter", "entropy credited to the pool", lambda p, s: s.credited_bits),
            ("oe_pool_drawn_bits_total", "counter", "credit debited by full-entropy output", lambda p, s: s.drawn_bits),
            ("oe_pool_balance_bits", "gauge", "credited entropy available now", lambda p, s: s.balance_bits),
            ("oe_pool_output_bytes_total", "counter", "bytes the pool has produced", lambda p, s: s.output_bytes),
            ("oe_pool_buffered_output_bytes", "gauge", "output generated ahead of requests", lambda p, s: len(p.buffer)),
        ]
        for name, kind, text, value in per_pool:
            _head(add, name, kind, text)
            for pool, status in pools:
                add(f'{name}{{profile="{_esc(pool.name)}"}} {_num(value(pool, status))}')
        per_source = [
            ("oe_source_credited_bits_total", "counter", "entropy credited per source", lambda s: s.credited_bits),
            ("oe_source_health_failures_total", "counter", "SP 800-90B health-test failures", lambda s: s.health_failures),
            ("oe_source_healthy", "gauge", "1 when the source's last collect was healthy", lambda s: int(s.healthy)),
        ]
        for name, kind, text, value in per_source:
            _head(add, name, kind, text)
            for pool, status in pools:
                for source in status.sources:
                    add(f'{name}{{profile="{_esc(pool.name)}",source="{_esc(source.name)}"}} {_num(value(source))}')
        _head(add, "oe_rate_limited_total", "counter", "requests refused by a rate limit (429)")
        add(f"oe_rate_limited_total {rate_limited}")
        return "\n".join(out) + "\n"


def _head(add, name: str, kind: str, text: str) -> None:
    add(f"# HELP {name} {text}")
    add(f"# TYPE {name} {kind}")


def _esc(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _num(value: float) -> str:
    return str(value) if isinstance(value, int) else f"{value:.6g}"


class MetricsMiddleware:
    def __init__(self, app, metrics: Metrics):
        self.app = app
        self.metrics = metrics

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
            route = scope.get("route")  # FastAPI routes set it; plain Starlette routes set "endpoint"
            path = getattr(route, "path", None) or (scope["path"] if "endpoint" in scope else UNMATCHED)
            self.metrics.observe(path, scope["method"], status_box[0], time.perf_counter() - started)
