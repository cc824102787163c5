"""After fork(), parent and child never emit the same bytes nor spend the same credit.

Each test forks a real child (os.fork), which draws from its copy of the pool and sends
what it got (or the error it met) back through a pipe; the parent draws too.
"""

import json
import os

import pytest

from openentropy.errors import EntropyTimeoutError
from openentropy.engine.pool import EntropyPool

MODES = [
    ("sha256", {}),
    ("full_entropy", {}),
    ("drbg", {"kind": "ctr_aes256"}),
    ("drbg", {"kind": "hmac_sha256"}),
]


def fed(mode: str, drbg: dict, os_random: bool) -> EntropyPool:
    pool = EntropyPool(mode=mode, os_random=os_random, timeout_s=0.3, drbg=drbg or None)
    pool.add_source("s")
    pool.add_input("s", os.urandom(8192), 40 * 320)
    pool.get_random_bytes(64)  # seeded / instantiated before the fork
    return pool


def in_child(work) -> dict:
    """Run ``work()`` in a forked child; its JSON-able result (or error) comes back."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(read)
        try:
            answer = {"ok": work()}
        except Exception as error:  # noqa: BLE001 - reported to the parent
            answer = {"error": type(error).__name__, "message": str(error)}
        os.write(write, json.dumps(answer).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    return json.loads(data)


@pytest.mark.parametrize("os_random", [True, False])
@pytest.mark.parametrize("mode,drbg", MODES)
def test_a_forked_child_never_repeats_its_parents_output(mode, drbg, os_random):
    pool = fed(mode, drbg, os_random)

    def child():
        pool.add_input("s", os.urandom(8192), 40 * 320)  # the child's own harvest
        status = pool.status()
        return {"out": pool.get_random_bytes(64).hex(), "forks": status.forks, "credited": status.credited_bits}

    answer = in_child(child)
    parent = pool.get_random_bytes(64).hex()
    assert "ok" in answer, answer
    assert answer["ok"]["out"] != parent
    assert answer["ok"]["forks"] == 1 and pool.status().forks == 0
    assert answer["ok"]["credited"] == 40 * 320  # the child's ledger starts empty


@pytest.mark.parametrize("mode,drbg", MODES[1:])
def test_a_child_cannot_spend_its_parents_credit(mode, drbg):
    pool = fed(mode, drbg, os_random=True)
    pool.add_input("s", os.urandom(8192), 40 * 320)  # credit buffered at the fork

    def child():
        status = pool.status()
        assert status.balance_bits == 0 and status.buffered_bytes == 0
        return pool.get_random_bytes(32).hex()

    answer = in_child(child)
    assert answer.get("error") == EntropyTimeoutError.__name__, answer


def test_sha256_without_os_randomness_waits_in_the_child_for_its_own_credit():
    pool = fed("sha256", {}, os_random=False)
    answer = in_child(lambda: pool.get_random_bytes(32).hex())
    assert answer.get("error") == EntropyTimeoutError.__name__ and "first 256 credited bits" in answer["message"]
