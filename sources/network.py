"""Network round-trip timing: ``tcp_connect_timing`` and ``dns_timing``.

Each sample is the duration (ns, ``time.perf_counter_ns``) of one round trip; Python
only, since the system calls and the wire dominate the interpreter's overhead.

``tcp_connect_timing`` times connect + close. With no ``host`` it opens its own listener
on 127.0.0.1 (ephemeral port) for the collect, accepts and closes what arrives, and
closes with RST (SO_LINGER 0) so that thousands of connections per second leave no
TIME_WAIT sockets to exhaust the ephemeral ports. With a ``host`` (an IP literal, so no
blocking name lookup) it closes politely.

``dns_timing`` sends a hand-built UDP DNS query (RFC 1035 4.1: 12-byte header, one
question, type A, class IN, recursion desired) for each name in turn to ``resolver``
(default: the first ``nameserver`` in resolv.conf) and times the matching answer. Every
socket operation has a timeout bounded by the deadline; ``available()`` sends one probe
and says unavailable when nothing answers within ``timeout_ms`` (150 ms by default).
"""

from __future__ import annotations

import ipaddress
import os
import socket
import struct
import time

import numpy as np
from pydantic import Field, field_validator

from openentropy.errors import SourceUnavailableError

from ._timed import PythonTimingSource
from .base import AVAILABLE, Availability, Category, SourceInfo, unavailable
from .timing_source import TimingParams

_LINGER_RESET = struct.pack("ii", 1, 0)  # l_onoff=1, l_linger=0: close() sends RST, no TIME_WAIT


def _ip_literal(value: str | None) -> str | None:
    if value is not None:
        ipaddress.ip_address(value)  # raises ValueError with the offending text
    return value


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET


def _remaining_s(deadline_ns: int) -> float:
    return (deadline_ns - time.monotonic_ns()) / 1e9


class TcpConnectParams(TimingParams):
    host: str | None = None  # an IP literal; None: a listener of our own on 127.0.0.1
    port: int = Field(0, ge=0, le=65535)
    timeout_ms: int = Field(200, ge=1, le=10_000)

    @field_validator("host")
    @classmethod
    def _check_host(cls, value: str | None) -> str | None:
        return _ip_literal(value)


class TcpConnectTiming(PythonTimingSource):
    info = SourceInfo(
        name="tcp_connect_timing",
        description="Duration of a TCP connect + close (default: to a loopback listener of its own)",
        physics=(
            "A TCP handshake runs the SYN, SYN-ACK and ACK through the kernel's network stack, "
            "softirq processing, socket hash lookups and, off loopback, the NIC, switches and the "
            "remote host. Its duration varies with softirq scheduling, lock contention, cache "
            "state, interrupt coalescing and, over a real network, queueing at every hop. The "
            "low bits of the handshake time carry that noise."
        ),
        category=Category.NETWORK,
        platforms=("linux", "macos"),
        requirements=("TCP/IP stack (loopback by default)",),
        entropy_rate_estimate=2.0e4,
    )
    Params = TcpConnectParams

    def available_here(self) -> Availability:
        if self.params.host is not None and self.params.port == 0:
            return unavailable("tcp_connect_timing: a host needs a port (params.port)")
        return AVAILABLE

    def collect_python(self, n: int, deadline_ns: int) -> np.ndarray:
        if self.params.host is not None:
            return self._time_connects(n, deadline_ns, (self.params.host, self.params.port), None)
        with socket.create_server(("127.0.0.1", 0), backlog=128) as server:
            server.setblocking(False)
            return self._time_connects(n, deadline_ns, server.getsockname(), server)

    def _time_connects(self, n, deadline_ns, target, server) -> np.ndarray:
        clock, timeout = time.perf_counter_ns, self.params.timeout_ms / 1000
        family = _family(target[0])
        out, i = np.empty(min(n, 1 << 20), dtype=np.uint64), 0
        while i < len(out):
            remaining = _remaining_s(deadline_ns)
            if remaining <= 0:
                break
            with socket.socket(family, socket.SOCK_STREAM) as sock:
                sock.settimeout(min(timeout, remaining))
                if server is not None:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_RESET)
                try:
                    start = clock()
                    sock.connect(target)
                    sock.close()
                    out[i] = clock() - start
                except OSError as error:
                    if i == 0:
                        reason = "timed out" if isinstance(error, TimeoutError) else error.strerror or str(error)
                        raise SourceUnavailableError(f"cannot connect to {target[0]}:{target[1]}: {reason}") from None
                    break
            i += 1
            if server is not None:
                _drain(server)
        return out[:i]


def _drain(server: socket.socket) -> None:
    """Accept and close every connection waiting on the non-blocking ``server``."""
    while True:
        try:
            conn, _ = server.accept()
        except BlockingIOError:
            return
        except OSError:  # reset before it was accepted
            continue
        conn.close()


def first_nameserver(resolv_conf: str) -> str | None:
    """The first ``nameserver`` address in a resolv.conf, or None."""
    try:
        with open(resolv_conf) as handle:
            for line in handle:
                fields = line.split()
                if len(fields) >= 2 and fields[0] == "nameserver":
                    return fields[1].split("%")[0]  # drop an IPv6 zone index
    except OSError:
        return None
    return None


def build_query(query_id: int, name: str) -> bytes:
    """A DNS query for ``name`` type A class IN, recursion desired (RFC 1035 4.1)."""
    header = struct.pack("!HHHHHH", query_id, 0x0100, 1, 0, 0, 0)  # flags: RD; one question
    labels = b"".join(bytes([len(part)]) + part.encode("ascii") for part in name.rstrip(".").split("."))
    return header + labels + b"\x00" + struct.pack("!HH", 1, 1)


def is_answer(packet: bytes, query_id: int) -> bool:
    """True for a response (QR set) to ``query_id``; any RCODE counts (NXDOMAIN is an answer)."""
    if len(packet) < 12:
        return False
    answer_id, flags = struct.unpack("!HH", packet[:4])
    return answer_id == query_id and bool(flags & 0x8000)


def _check_name(name: str) -> str:
    labels = name.rstrip(".").split(".")
    if len(name) > 253 or not all(0 < len(label) <= 63 and label.isascii() for label in labels):
        raise ValueError(f"{name!r} is not a DNS name (ASCII labels of 1-63 characters, 253 in all)")
    return name


#: ``params.resolver`` value that means "the first nameserver in resolv_conf".
SYSTEM_RESOLVER = "system"


class DnsParams(TimingParams):
    # an IP literal, or "system" for the first nameserver in resolv_conf. None (the
    # default): off, because sources send no network traffic unless a profile asks.
    resolver: str | None = None
    port: int = Field(53, ge=1, le=65535)
    names: tuple[str, ...] = Field(("example.com", "wikipedia.org", "kernel.org"), min_length=1)
    timeout_ms: int = Field(150, ge=1, le=5000)  # per query; available() answers within it
    resolv_conf: str = "/etc/resolv.conf"

    @field_validator("resolver")
    @classmethod
    def _check_resolver(cls, value: str | None) -> str | None:
        return value if value == SYSTEM_RESOLVER else _ip_literal(value)

    @field_validator("names")
    @classmethod
    def _check_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_check_name(name) for name in value)


class DnsTiming(PythonTimingSource):
    info = SourceInfo(
        name="dns_timing",
        description="Round-trip time of UDP DNS queries to the configured resolver",
        physics=(
            "A DNS query crosses the local stack, the NIC and the network to the resolver, which "
            "looks the name up in its cache or asks upstream servers, and back. Each leg adds "
            "queueing delay from other traffic, interrupt coalescing, the resolver's own load and "
            "scheduling, and cache state at every host on the way. The low bits of the round-trip "
            "time are set by traffic and machines the local host cannot observe."
        ),
        category=Category.NETWORK,
        platforms=("linux", "macos"),
        requirements=("params.resolver: an IP address or 'system' (resolv.conf); off by default",),
        entropy_rate_estimate=1.0e3,
    )
    Params = DnsParams

    def resolver(self) -> str | None:
        if self.params.resolver == SYSTEM_RESOLVER:
            return first_nameserver(self.params.resolv_conf)
        return self.params.resolver

    def _configured(self) -> Availability:
        """Whether a resolver address is configured (no traffic)."""
        if self.params.resolver is None:
            return unavailable(
                "off by default (it sends DNS queries over the network): set params.resolver to an IP "
                f"address, or '{SYSTEM_RESOLVER}' for the first nameserver in {self.params.resolv_conf}"
            )
        resolver = self.resolver()
        if resolver is None:
            return unavailable(f"no nameserver in {self.params.resolv_conf}")
        try:
            _ip_literal(resolver)
        except ValueError:
            return unavailable(f"nameserver {resolver!r} in {self.params.resolv_conf} is not an IP address")
        return AVAILABLE

    def available_here(self) -> Availability:
        configured = self._configured()
        if not configured:
            return configured
        try:  # one probe query, bounded by timeout_ms
            self._query_times(1, time.monotonic_ns() + self.params.timeout_ms * 1_000_000, self.resolver())
        except SourceUnavailableError as error:
            return unavailable(str(error))
        return AVAILABLE

    def collect(self, n: int, deadline_ns: int) -> np.ndarray:
        # No probe here: collect's own first query tells, within the deadline.
        configured = super().available() if self.params.backend == "native" else self._configured()
        if not configured:
            raise SourceUnavailableError(configured.reason)
        return self._query_times(n, deadline_ns, self.resolver())

    def _query_times(self, n: int, deadline_ns: int, resolver: str) -> np.ndarray:
        clock, timeout = time.perf_counter_ns, self.params.timeout_ms / 1000
        names, target = self.params.names, (resolver, self.params.port)
        out, i, asked = np.empty(min(n, 1 << 16), dtype=np.uint64), 0, 0
        failure = "did not answer"
        with socket.socket(_family(resolver), socket.SOCK_DGRAM) as sock:
            try:
                sock.connect(target)  # UDP: only fixes the peer, sends nothing
            except OSError as error:
                raise SourceUnavailableError(f"resolver {resolver}:{target[1]}: {error.strerror}") from None
            while i < len(out):
                remaining = _remaining_s(deadline_ns)
                if remaining <= 0:
                    break
                query_id = int.from_bytes(os.urandom(2), "big")
                query_deadline = time.monotonic_ns() + int(min(timeout, remaining) * 1e9)
                asked += 1
                try:
                    start = clock()
                    sock.send(build_query(query_id, names[asked % len(names)]))
                    while True:  # skip late answers to earlier, timed-out queries
                        wait = _remaining_s(query_deadline)
                        if wait <= 0:
                            raise TimeoutError
                        sock.settimeout(wait)
                        if is_answer(sock.recv(512), query_id):
                            break
                    out[i] = clock() - start
                    i += 1
                except TimeoutError:
                    failure = f"did not answer within {self.params.timeout_ms} ms"
                except OSError as error:  # e.g. ICMP port unreachable -> ECONNREFUSED
                    failure = f"refused the query ({error.strerror})"
                if i == 0:  # the first query failed: say so now rather than burn the round
                    raise SourceUnavailableError(f"resolver {resolver}:{target[1]} {failure}")
        return out[:i]
