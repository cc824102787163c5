"""A real ``oe serve`` (uvicorn) process on 127.0.0.1: an ANU client, SSE and streams that
the client stops reading, many parallel clients, and logs without keys."""

from __future__ import annotations

import json
import threading
import urllib.parse
import urllib.request

import httpx
import pytest
from click.testing import CliRunner

from openentropy.shell.serve_command import serve_command


class AnuClient:
    """Written the way ANU client libraries call ANU (urllib, ``jsonI.php``, always
    sending ``size``, checking ``success``); only the base URL differs."""

    def __init__(self, base_url: str = "https://qrng.anu.edu.au"):
        self.url = base_url.rstrip("/") + "/API/jsonI.php"

    def get_data(self, data_type: str = "uint16", array_length: int = 1, block_size: int = 1) -> list:
        query = urllib.parse.urlencode({"length": array_length, "type": data_type, "size": block_size})
        with urllib.request.urlopen(f"{self.url}?{query}", timeout=10) as response:
            data = json.loads(response.read().decode())
        if not data["success"]:
            raise RuntimeError("The ANU server responded with an error")
        return data["data"]

    def binary(self, array_length: int = 100, block_size: int = 100) -> bytes:
        return bytes.fromhex("".join(self.get_data("hex16", array_length, block_size)))

    def uint16(self, array_length: int = 100) -> list[int]:
        return self.get_data("uint16", array_length)


@pytest.fixture
def server(live_api):
    return live_api


def test_anu_client_works_by_changing_only_the_base_url(server):
    base, _, _ = server
    anu = AnuClient(base)
    values = anu.uint16(100)
    assert len(values) == 100 and all(0 <= v <= 65535 for v in values)
    assert len(anu.binary(10, 4)) == 40
    assert len(anu.get_data("uint8", 1024)) == 1024
    with pytest.raises(urllib.error.HTTPError) as error:
        anu.get_data("uint8", 0)
    assert error.value.code == 400 and json.loads(error.value.read())["success"] is False


def test_sse_until_the_client_stops(server):
    base, _, _ = server
    with httpx.Client(base_url=base, timeout=10) as client:
        with client.stream("GET", "/events") as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            events = []
            for line in response.iter_lines():
                if line.startswith("data: "):
                    events.append(json.loads(line[6:]))
                if len(events) == 2:
                    break
        assert events[0]["profile"] == "live" and events[1]["rounds"] >= events[0]["rounds"]
        assert client.get("/health").status_code == 200  # the server is fine after the client left


def test_stream_until_the_client_stops(server):
    base, _, _ = server
    with httpx.Client(base_url=base, timeout=10) as client:
        received = bytearray()
        with client.stream("GET", "/api/v1/stream", params={"chunk": 4096}) as response:
            for piece in response.iter_bytes():
                received += piece
                if len(received) >= 200_000:
                    break
        assert len(received) >= 200_000
        blocks = {bytes(received[i : i + 32]) for i in range(0, 196_608, 32)}
        assert len(blocks) == 196_608 // 32  # no 32-byte block repeats


def test_parallel_clients_never_get_the_same_bytes(server):
    base, _, _ = server
    results: list[bytes] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client_thread():
        with httpx.Client(base_url=base, timeout=10) as client:
            for _ in range(25):
                response = client.get("/api/v1/bytes", params={"n": 64})
                with lock:
                    if response.status_code == 200 and len(response.content) == 64:
                        results.append(response.content)
                    else:
                        errors.append(f"{response.status_code} {response.text[:80]}")

    threads = [threading.Thread(target=client_thread) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and len(results) == 16 * 25
    assert len(set(results)) == len(results)


def test_key_never_in_the_server_log(server):
    base, log_path, key = server
    with httpx.Client(base_url=base, timeout=10) as client:
        params = {"length": 4, "source": "os_random", "conditioning": "raw"}
        assert client.get("/api/v1/random", params=params, headers={"X-API-Key": key}).status_code == 200
        assert client.get("/api/v1/random", params=params, headers={"X-API-Key": "wrong-zz9"}).status_code == 401
        assert client.post("/profiles/live/reload", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    log = log_path.read_text()
    assert "GET /api/v1/random" in log and "rejected raw output" in log
    assert key not in log and "wrong-zz9" not in log


def test_serve_command_help_and_bad_profile():
    runner = CliRunner()
    result = runner.invoke(serve_command, ["--help"])
    assert result.exit_code == 0 and "--api-key-env" in result.output and "--port" in result.output
    assert "8042" in result.output and "127.0.0.1" in result.output
    bad = runner.invoke(serve_command, ["no-such-profile"])
    assert bad.exit_code != 0 and "no profile named 'no-such-profile'" in str(bad.exception)
