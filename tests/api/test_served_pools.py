"""How a served pool's output reaches clients: prediction resistance and full entropy.

    drbg + prediction_resistance   no output made ahead: every request's bytes come from
                                   a DRBG generate call that reseeded first (SP 800-90A 9.3.1)
    full_entropy                   credited output is never thrown away when the
                                   serving buffer is full
"""

from __future__ import annotations

import time

import pytest

from openentropy.api.feeder import ServedPool
from openentropy.engine.loader import load_profile_text

PREDICTION_RESISTANT = """
name: resistant
sources:
  - {name: clock_jitter, weight: 3, samples: 8192, deadline: 50ms}
  - {name: os_random, weight: 1, samples: 1024, deadline: 20ms}
pool: {mode: drbg, os_random: true, drbg: {prediction_resistance: true}}
sinks: [{type: "null"}]
run: {bytes_per_round: 4096, interval: 50ms}
server:
  max_bytes: 65536
  timeout: 5s
  rate_limit: {requests_per_second: null, bytes_per_second: null}
"""
REQUESTS = 20


@pytest.mark.anyio
async def test_prediction_resistance_reseeds_for_every_request(serve):
    async with serve(PREDICTION_RESISTANT) as (client, app):
        before = (await client.get("/pool/status")).json()
        chunks = []
        for _ in range(REQUESTS):
            response = await client.get("/api/v1/bytes", params={"n": 32})
            assert response.status_code == 200
            chunks.append(response.content)
            assert (await client.get("/pool/status")).json()["buffered_output"] == 0  # nothing made ahead
        after = (await client.get("/pool/status")).json()
        assert len(set(chunks)) == REQUESTS
        # each request freshly seeded: reseeded, or (the first one) instantiated
        seeded = lambda status: status["drbg_reseeds"] + status["drbg_instantiations"]  # noqa: E731
        assert seeded(after) - seeded(before) == REQUESTS
        streamed = await client.get("/api/v1/stream", params={"limit": 64, "chunk": 32})
        assert streamed.status_code == 200 and len(streamed.content) == 64


FULL_ENTROPY = """
name: credited
sources:
  - {name: clock_jitter, weight: 3, samples: 65536, deadline: 50ms}
pool: {mode: full_entropy, os_random: true}
sinks: [{type: "null"}]
run: {bytes_per_round: 4096, interval: 20ms}
"""


def test_full_entropy_output_is_never_discarded():
    served = ServedPool(load_profile_text(FULL_ENTROPY), buffer_bytes=1024).start()
    taken = bytearray()
    try:
        assert served.wait_ready(10)
        deadline = time.monotonic() + 10
        while len(served.buffer) < 1024 and time.monotonic() < deadline:  # fills in well under a second
            time.sleep(0.05)
        assert len(served.buffer) == 1024
        time.sleep(0.5)  # rounds keep crediting; nothing more fits
        for _ in range(10):  # a reader takes some; the buffer fills up again
            taken += served.buffer.wait_take(100, 2.0)
            time.sleep(0.05)
    finally:
        served.stop()
    assert served.buffer.discarded == 0
    # every byte the pool released against credit is still in the buffer or was taken
    assert served.status().output_bytes == len(served.buffer) + len(taken)
    assert served.status().output_bytes % 32 == 0  # whole blocks: no block's credit was cut
