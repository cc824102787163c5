"""tcp_connect_timing and dns_timing. Loopback only: every address here is 127.0.0.1
(a fake DNS responder started by the test, a silent UDP socket, a closed port)."""

import socket
import struct
import threading
import time

import numpy as np
import pydantic
import pytest

from openentropy.errors import SourceUnavailableError
from openentropy.sources.network import (
    DnsTiming,
    TcpConnectTiming,
    build_query,
    first_nameserver,
    is_answer,
)

LOOPBACK = "127.0.0.1"


def _collect(source, n, seconds):
    started = time.monotonic_ns()
    data = source.collect(n, started + int(seconds * 1e9))
    return data, (time.monotonic_ns() - started) / 1e9


def _closed_port(kind=socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]  # nothing listens once it is closed


def test_tcp_connect_to_its_own_loopback_listener():
    data, elapsed = _collect(TcpConnectTiming(), 3000, 0.5)
    assert data.dtype == np.uint64 and 0 < len(data) <= 3000 and elapsed < 0.5 + 0.2
    assert (data > 0).all() and len(np.unique(data)) > 10


def test_tcp_connect_stops_at_its_deadline():
    data, elapsed = _collect(TcpConnectTiming(), 10**8, 0.05)
    assert 0 < len(data) < 10**8 and elapsed < 0.05 + 0.2


def test_tcp_connect_to_a_configured_loopback_server():
    with socket.create_server((LOOPBACK, 0), backlog=64) as server:
        port = server.getsockname()[1]
        source = TcpConnectTiming(TcpConnectTiming.Params(host=LOOPBACK, port=port))
        data = source.collect(20, time.monotonic_ns() + 10**9)  # 20 fit in the backlog unaccepted
        assert data.dtype == np.uint64 and len(data) == 20
        server.settimeout(0.5)
        for _ in range(20):
            conn, _ = server.accept()
            conn.close()


def test_tcp_connect_refused_raises_and_host_is_validated():
    port = _closed_port()
    source = TcpConnectTiming(TcpConnectTiming.Params(host=LOOPBACK, port=port))
    with pytest.raises(SourceUnavailableError, match=f"cannot connect to 127.0.0.1:{port}: Connection refused"):
        source.collect(10, time.monotonic_ns() + 10**9)
    with pytest.raises(pydantic.ValidationError, match="does not appear to be an IPv4 or IPv6 address"):
        TcpConnectTiming.Params(host="example.com", port=80)
    no_port = TcpConnectTiming(TcpConnectTiming.Params(host=LOOPBACK))
    assert no_port.available().reason == "tcp_connect_timing: a host needs a port (params.port)"


class FakeResolver:
    """A UDP DNS responder on 127.0.0.1: echoes each query back with QR set (NOERROR, no answers)."""

    def __init__(self, answer=True):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((LOOPBACK, 0))
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.answer, self.queries = answer, []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve)

    def _serve(self):
        while not self.stop.is_set():
            try:
                packet, peer = self.sock.recvfrom(512)
            except TimeoutError:
                continue
            self.queries.append(packet)
            if self.answer:
                query_id, flags = struct.unpack("!HH", packet[:4])
                stale = struct.pack("!HH", query_id ^ 1, flags | 0x8000) + packet[4:]
                self.sock.sendto(stale, peer)  # an answer to another query: must be skipped
                self.sock.sendto(struct.pack("!HH", query_id, flags | 0x8000) + packet[4:], peer)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self.sock.close()


def test_build_query_and_is_answer():
    query = build_query(0x1234, "example.com")
    assert query == (
        b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
        b"\x07example\x03com\x00\x00\x01\x00\x01"
    )
    assert not is_answer(query, 0x1234)  # QR clear: a query, not an answer
    assert is_answer(b"\x12\x34\x81\x83" + query[4:], 0x1234)  # NXDOMAIN is still an answer
    assert not is_answer(b"\x12\x35\x81\x80" + query[4:], 0x1234) and not is_answer(b"\x12", 0x1234)


def test_first_nameserver(tmp_path):
    conf = tmp_path / "resolv.conf"
    conf.write_text("# comment\nsearch lan\nnameserver 127.0.0.1\nnameserver 127.0.0.2\n")
    assert first_nameserver(str(conf)) == LOOPBACK
    conf.write_text("search lan\n")
    assert first_nameserver(str(conf)) is None and first_nameserver(str(tmp_path / "none")) is None


def test_dns_timing_against_a_fake_loopback_resolver(tmp_path):
    conf = tmp_path / "resolv.conf"
    conf.write_text("nameserver 127.0.0.1\n")
    with FakeResolver() as resolver:
        source = DnsTiming(DnsTiming.Params(resolver="system", resolv_conf=str(conf), port=resolver.port,
                                            names=("a.test", "b.test")))
        assert source.resolver() == LOOPBACK and source.available()
        data, elapsed = _collect(source, 200, 2.0)
    assert data.dtype == np.uint64 and 0 < len(data) <= 200 and elapsed < 2.2
    assert (data > 0).all() and len(np.unique(data)) > 10
    assert {q[12:] for q in resolver.queries} == {build_query(0, n)[12:] for n in ("a.test", "b.test")}


def test_dns_timing_silent_resolver_is_unavailable_within_200_ms():
    with FakeResolver(answer=False) as resolver:
        source = DnsTiming(DnsTiming.Params(resolver=LOOPBACK, port=resolver.port))
        started = time.monotonic()
        availability = source.available()
        assert time.monotonic() - started < 0.2
        assert availability.reason == f"resolver 127.0.0.1:{resolver.port} did not answer within 150 ms"
        started = time.monotonic_ns()
        with pytest.raises(SourceUnavailableError, match="did not answer"):
            source.collect(100, started + 10**9)
        assert (time.monotonic_ns() - started) / 1e9 < 0.2 + 0.05  # one query's timeout, not the round


def test_dns_timing_never_overruns_a_short_deadline():
    with FakeResolver(answer=False) as resolver:
        source = DnsTiming(DnsTiming.Params(resolver=LOOPBACK, port=resolver.port, timeout_ms=5000))
        data_started = time.monotonic_ns()
        with pytest.raises(SourceUnavailableError):
            source.collect(100, data_started + 30_000_000)
        assert (time.monotonic_ns() - data_started) / 1e9 < 0.03 + 0.05


def test_dns_timing_unreachable_and_unconfigured(tmp_path):
    port = _closed_port(socket.SOCK_DGRAM)
    source = DnsTiming(DnsTiming.Params(resolver=LOOPBACK, port=port))
    assert source.available().reason.startswith(f"resolver 127.0.0.1:{port} refused the query")
    with pytest.raises(SourceUnavailableError, match="refused the query"):
        source.collect(10, time.monotonic_ns() + 10**9)
    empty = tmp_path / "resolv.conf"
    empty.write_text("search lan\n")
    none = DnsTiming(DnsTiming.Params(resolver="system", resolv_conf=str(empty)))
    assert none.available().reason == f"no nameserver in {empty}"
    off = DnsTiming(DnsTiming.Params())
    assert off.available().reason.startswith("off by default (it sends DNS queries over the network)")
    with pytest.raises(SourceUnavailableError, match="no nameserver"):
        none.collect(10, time.monotonic_ns() + 10**9)
    with pytest.raises(pydantic.ValidationError, match="not a DNS name"):
        DnsTiming.Params(resolver=LOOPBACK, names=("bad..name",))
