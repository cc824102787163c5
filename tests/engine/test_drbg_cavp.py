"""NIST CAVP known answers for CTR_DRBG (AES-256, df and no df) and HMAC_DRBG (SHA-256).

The records and their provenance are in ``fixtures/drbg_cavp.json``; the procedure is
CAVP's: instantiate, [reseed,] generate (discarded), generate (compared), with an entropy
callback serving ``EntropyInputPR`` for prediction-resistance records.
"""

import json
from collections import Counter
from pathlib import Path

import pytest

from openentropy.engine.drbg import create_drbg

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "drbg_cavp.json").read_text())
VECTORS = FIXTURE["vectors"]


def run_cavp(record: dict) -> bytes:
    h = bytes.fromhex
    pr_inputs = iter(h(x) for x in record.get("entropy_input_pr", []))
    requested = []

    def entropy_source(n: int) -> bytes:
        requested.append(n)
        return next(pr_inputs)

    drbg = create_drbg(
        record["kind"],
        h(record["entropy_input"]),
        h(record["nonce"]),
        h(record["personalization_string"]),
        entropy_source=entropy_source if record["prediction_resistance"] else None,
        **({"use_df": record["use_df"]} if "use_df" in record else {}),
    )
    if "entropy_input_reseed" in record:
        drbg.reseed(h(record["entropy_input_reseed"]), h(record["additional_input_reseed"]))
    n = len(record["returned_bits"]) // 2
    first, second = (h(a) for a in record["additional_input"])
    drbg.generate(n, first, prediction_resistance=record["prediction_resistance"])
    out = drbg.generate(n, second, prediction_resistance=record["prediction_resistance"])
    assert len(requested) == (2 if record["prediction_resistance"] else 0)
    return out


@pytest.mark.parametrize("record", VECTORS, ids=[r["id"] for r in VECTORS])
def test_cavp_known_answer(record):
    assert run_cavp(record).hex() == record["returned_bits"]


def test_fixture_covers_every_mode():
    modes = Counter(
        (r["kind"], r.get("use_df"), r["prediction_resistance"], "entropy_input_reseed" in r) for r in VECTORS
    )
    assert sum(n for (kind, df, *_), n in modes.items() if kind == "ctr_aes256" and df) >= 3
    assert sum(n for (kind, df, *_), n in modes.items() if kind == "ctr_aes256" and df is False) >= 3
    assert sum(n for (kind, *_), n in modes.items() if kind == "hmac_sha256") >= 3
    for kind, df in (("ctr_aes256", True), ("ctr_aes256", False), ("hmac_sha256", None)):
        assert modes[(kind, df, True, False)] >= 1, f"{kind} df={df}: no prediction-resistance record"
        assert sum(n for (k, d, pr, _), n in modes.items() if (k, d, pr) == (kind, df, False)) >= 2


def test_a_wrong_answer_is_caught():
    """The harness compares: one flipped input bit changes the answer."""
    record = dict(VECTORS[0])
    entropy = bytearray.fromhex(record["entropy_input"])
    entropy[0] ^= 1
    record["entropy_input"] = entropy.hex()
    assert run_cavp(record).hex() != record["returned_bits"]
