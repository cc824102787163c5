"""The REST service under load, beside a bare FastAPI endpoint on the same machine.

    python benchmarks/server.py [--seconds 10] [--connections 8] [--runs 3]

For each run, two servers are started in turn as separate uvicorn processes on
127.0.0.1 (same uvicorn, same log level, access log off):

    ours   oe serve (profiles/server.yaml with its rate limits off), driven at
           /api/v1/random?length=1024&type=uint8
    bare   a FastAPI app whose one route returns a constant 1 KiB JSON body

and a separate load-generator process (this file with --drive) holds --connections
keep-alive HTTP/1.1 connections open for --seconds and reports requests/s, p50/p99
latency and errors (any non-200 or short body). The server's RSS is sampled each
second: "flat memory" means the last sample is within 10 % (or 8 MiB) of the one taken
after the first 10 % of the run.

Goal: ours >= 70 % of bare's requests/s, zero errors, flat memory over a 60 s run
(``--seconds 60``). Figures are the median of --runs runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HOST = "127.0.0.1"
OURS_PATH = "/api/v1/random?length=1024&type=uint8"
BARE_PATH = "/bare"
PROFILE = """name: bench
extends: server
server:
  rate_limit: {requests_per_second: null, bytes_per_second: null}
"""
SERVE = ("from openentropy.shell.serve_command import serve_command as c; "
         "c.main(args={args!r}, prog_name='oe')")
BARE = """
import uvicorn
from fastapi import FastAPI
app = FastAPI()
BODY = {{"data": "0" * 1013}}  # serialises to exactly 1024 bytes of JSON
@app.get("/bare")
async def bare():
    return BODY
uvicorn.run(app, host="127.0.0.1", port={port}, log_level="warning", access_log=False)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def wait_listening(port: int, process: subprocess.Popen, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("server exited during startup")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on {HOST}:{port} after {timeout_s} s")


def start_server(kind: str, workdir: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    if kind == "ours":
        profile = workdir / "bench.yaml"
        profile.write_text(PROFILE)
        args = [str(profile), "--host", HOST, "--port", str(port), "--log-level", "warning"]
        code = SERVE.format(args=args)
    else:
        code = BARE.format(port=port)
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_listening(port, process)
    return process, port


def measure(kind: str, seconds: float, connections: int, workdir: Path) -> dict:
    process, port = start_server(kind, workdir)
    try:
        if kind == "ours":  # the first round must be in; /health says when
            drive_once(port, "/health")
        driver = subprocess.Popen(
            [sys.executable, __file__, "--drive", str(port), OURS_PATH if kind == "ours" else BARE_PATH,
             str(seconds), str(connections)], stdout=subprocess.PIPE)
        samples = []
        start = time.monotonic()
        while driver.poll() is None and time.monotonic() - start < seconds + 30:
            samples.append(rss_bytes(process.pid))
            time.sleep(1.0)
        out, _ = driver.communicate(timeout=30)
        result = json.loads(out)
        settle = samples[max(1, len(samples) // 10)] if len(samples) > 2 else samples[0]
        result.update(rss_start=settle, rss_end=samples[-1], rss_max=max(samples))
        result["memory_flat"] = samples[-1] - settle <= max(0.10 * settle, 8 << 20)
        return result
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def drive_once(port: int, path: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=5) as s:
                s.sendall(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
                if b'"ready":true' in s.recv(65536):
                    return
        except OSError:
            pass
        time.sleep(0.1)


# --- the load generator (runs in its own process) -----------------------------------


async def _connection(port: int, path: str, stop_at: float, latencies: list, errors: list) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    request = f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()
    try:
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            body = await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if status != 200 or len(body) < 1024:
                errors.append(status)
    finally:
        writer.close()


async def _drive(port: int, path: str, seconds: float, connections: int) -> dict:
    latencies: list[float] = []
    errors: list[int] = []
    started = time.perf_counter()
    stop_at = started + seconds
    tasks = [_connection(port, path, stop_at, latencies, errors) for _ in range(connections)]
    failures = [r for r in await asyncio.gather(*tasks, return_exceptions=True) if isinstance(r, BaseException)]
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else float("nan")

    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "p50_ms": pct(0.50), "p99_ms": pct(0.99),
            "errors": len(errors) + len(failures)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--drive", nargs=4, metavar=("PORT", "PATH", "SECONDS", "CONNECTIONS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        port, path, seconds, connections = args.drive
        print(json.dumps(asyncio.run(_drive(int(port), path, float(seconds), int(connections)))))
        return
    runs: dict[str, list[dict]] = {"ours": [], "bare": []}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            for kind in ("ours", "bare"):
                result = measure(kind, args.seconds, args.connections, Path(tmp))
                runs[kind].append(result)
                print(f"run {run + 1} {kind:4}: {result['rps']:8.0f} req/s  p50 {result['p50_ms']:6.2f} ms  "
                      f"p99 {result['p99_ms']:6.2f} ms  errors {result['errors']}  "
                      f"RSS {result['rss_start'] / 2**20:.1f} -> {result['rss_end'] / 2**20:.1f} MiB", flush=True)
    med = {kind: {key: statistics.median(r[key] for r in rs) for key in ("rps", "p50_ms", "p99_ms")}
           for kind, rs in runs.items()}
    ratio = med["ours"]["rps"] / med["bare"]["rps"]
    errors = sum(r["errors"] for r in runs["ours"])
    flat = all(r["memory_flat"] for r in runs["ours"])
    print(f"\nmedian of {args.runs}, {args.connections} connections, {args.seconds:g} s each, on {os.cpu_count()} CPUs")
    print(f"{'endpoint':48} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    print(f"{OURS_PATH:48} {med['ours']['rps']:8.0f} {med['ours']['p50_ms']:8.2f} {med['ours']['p99_ms']:8.2f}")
    print(f"{'bare FastAPI, constant 1 KiB JSON':48} {med['bare']['rps']:8.0f} {med['bare']['p50_ms']:8.2f} "
          f"{med['bare']['p99_ms']:8.2f}")
    print(f"ours / bare: {ratio:.0%} (goal >= 70%)   errors: {errors} (goal 0)   memory flat: {flat}")


if __name__ == "__main__":
    main()
