"""The DRBGs' behaviour beyond the known answers: the CTR fast path, never repeating,
large requests, reseeding, prediction resistance, state handling and misuse errors."""

import os

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from openentropy.engine import Drbg, DrbgError, create_drbg
from openentropy.engine.ctr_drbg import CtrDrbg
from openentropy.engine.drbg import MAX_REQUEST_BYTES
from openentropy.engine.hmac_drbg import HmacDrbg

ENTROPY, NONCE = bytes(range(32)), bytes(range(100, 116))
KINDS = [("ctr_aes256", {}), ("ctr_aes256", {"use_df": False}), ("hmac_sha256", {})]
IDS = ["ctr_df", "ctr_nodf", "hmac"]


def make(kind, options, entropy=ENTROPY, **kw):
    if options.get("use_df") is False:
        return create_drbg(kind, (entropy * 2)[:48], **options, **kw)
    return create_drbg(kind, entropy, NONCE, **options, **kw)


def reference_ctr_generate(key: bytes, v: bytes, n: int, provided: bytes) -> tuple[bytes, bytes, bytes]:
    """SP 800-90A 10.2.1.5 steps 4-6 block by block with AES-ECB, V incremented mod 2^128."""
    ecb = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    counter = int.from_bytes(v, "big")

    def next_block():
        nonlocal counter
        counter = (counter + 1) % (1 << 128)
        return ecb.update(counter.to_bytes(16, "big"))

    out = b"".join(next_block() for _ in range(-(-n // 16)))[:n]
    temp = b"".join(next_block() for _ in range(3))
    temp = bytes(a ^ b for a, b in zip(temp, provided))
    return out, temp[:32], temp[32:]


@pytest.mark.parametrize("v", [bytes(16), b"\xff" * 16, b"\xff" * 15 + b"\xfd", b"\x00" * 8 + b"\xff" * 8])
@pytest.mark.parametrize("n", [1, 16, 33, 1000])
def test_ctr_fast_path_equals_blockwise_reference(v, n):
    """AES-CTR from V+1 is the standard's loop, also across the 2^128 and 2^64 carries."""
    drbg = CtrDrbg()
    drbg.instantiate(ENTROPY, NONCE)
    drbg._v[:] = v
    key = bytes(drbg._key)
    out = drbg.generate(n)
    expected, new_key, new_v = reference_ctr_generate(key, v, n, bytes(48))
    assert out == expected
    assert (bytes(drbg._key), bytes(drbg._v)) == (new_key, new_v)


@pytest.mark.parametrize("kind,options", KINDS, ids=IDS)
def test_output_never_repeats_across_many_calls(kind, options):
    drbg = make(kind, options)
    out = b"".join(drbg.generate(n) for n in [16, 48, 4096, 17, 4000] * 40)
    blocks = [out[i : i + 16] for i in range(0, len(out) - 15, 16)]
    assert len(set(blocks)) == len(blocks)


@pytest.mark.parametrize("kind,options", KINDS, ids=IDS)
def test_different_entropy_gives_different_streams(kind, options):
    a = make(kind, options, entropy=ENTROPY).generate(4096)
    b = make(kind, options, entropy=bytes(reversed(ENTROPY))).generate(4096)
    assert a != b
    blocks = lambda data: {data[i : i + 16] for i in range(0, len(data), 16)}  # noqa: E731
    assert blocks(a).isdisjoint(blocks(b))


@pytest.mark.parametrize("kind,options", KINDS, ids=IDS)
def test_large_requests_are_split_into_standard_requests(kind, options):
    big, parts = make(kind, options), make(kind, options)
    out = big.generate(2 * MAX_REQUEST_BYTES + 5)
    assert len(out) == 2 * MAX_REQUEST_BYTES + 5
    assert big.reseed_counter == 1 + 3
    expected = parts.generate(MAX_REQUEST_BYTES) + parts.generate(MAX_REQUEST_BYTES) + parts.generate(5)
    assert out == expected
    assert len(make(kind, options).generate(1 << 20)) == 1 << 20


@pytest.mark.parametrize("kind,options", KINDS, ids=IDS)
def test_reseed_interval_reseeds_from_the_source_or_refuses(kind, options):
    fresh = []

    def source(n):
        fresh.append(n)
        return os.urandom(n)

    drbg = make(kind, options, entropy_source=source, reseed_interval=2)
    drbg.generate(8), drbg.generate(8)
    assert drbg.reseed_counter == 3 and not fresh
    drbg.generate(8)
    assert fresh == [drbg.min_entropy_bytes] and drbg.reseed_counter == 2

    stuck = make(kind, options, reseed_interval=1)
    stuck.generate(8)
    with pytest.raises(DrbgError, match="reseed interval is exhausted.*no entropy_source"):
        stuck.generate(8)
    stuck.reseed(os.urandom(stuck.min_entropy_bytes))
    assert len(stuck.generate(8)) == 8


@pytest.mark.parametrize("kind,options", KINDS, ids=IDS)
def test_prediction_resistance_fetches_fresh_entropy_each_request(kind, options):
    calls = []
    drbg = make(kind, options, entropy_source=lambda n: calls.append(n) or os.urandom(n))
    twin = make(kind, options)
    drbg.generate(64, prediction_resistance=True)
    drbg.generate(3 * MAX_REQUEST_BYTES, prediction_resistance=True)  # one reseed per caller request
    assert len(calls) == 2
    assert drbg.generate(64) != twin.generate(64)  # fresh entropy changed the stream
    with pytest.raises(DrbgError, match="prediction resistance.*no entropy_source"):
        twin.generate(1, prediction_resistance=True)


def test_a_short_answer_from_the_entropy_source_is_an_error():
    drbg = make("hmac_sha256", {}, entropy_source=lambda n: b"\x01" * (n - 1))
    with pytest.raises(DrbgError, match="entropy_source returned bad input.*31 bytes.*at least 32"):
        drbg.generate(1, prediction_resistance=True)


@pytest.mark.parametrize("kind,options", KINDS, ids=IDS)
def test_state_is_overwritten_in_place_and_wiped(kind, options):
    drbg = make(kind, options)
    key, v = drbg._key, drbg._v
    before = bytes(key) + bytes(v)
    drbg.generate(1)
    assert drbg._key is key and drbg._v is v  # same buffers...
    assert bytes(key) + bytes(v) != before  # ...new contents: old state gone
    drbg.uninstantiate()
    assert not any(key) and not any(v) and drbg.reseed_counter == 0
    with pytest.raises(DrbgError, match="before instantiate"):
        drbg.generate(1)


def test_drbgs_satisfy_the_protocol():
    for kind, options in KINDS:
        assert isinstance(make(kind, options), Drbg)


@pytest.mark.parametrize("cls", [CtrDrbg, HmacDrbg])
def test_generate_or_reseed_before_instantiate(cls):
    drbg = cls()
    with pytest.raises(DrbgError, match="cannot generate before instantiate"):
        drbg.generate(16)
    with pytest.raises(DrbgError, match="cannot reseed before instantiate"):
        drbg.reseed(ENTROPY)


@pytest.mark.parametrize(
    "kind,options,args,message",
    [
        ("ctr_aes256", {}, (ENTROPY[:31], NONCE), "entropy_input is 31 bytes; it must be at least 32"),
        ("hmac_sha256", {}, (ENTROPY[:16], NONCE), "entropy_input is 16 bytes; it must be at least 32"),
        ("hmac_sha256", {}, (ENTROPY, NONCE[:8]), "nonce is 8 bytes; it must be at least 16"),
        ("ctr_aes256", {}, (ENTROPY,), "nonce is 0 bytes; it must be at least 16"),
        ("ctr_aes256", {"use_df": False}, (ENTROPY,), "entropy_input is 32 bytes; it must be exactly 48"),
        ("ctr_aes256", {"use_df": False}, (ENTROPY + NONCE, NONCE), "nonce is 16 bytes; it must be exactly 0"),
        ("ctr_aes256", {"use_df": False}, (ENTROPY + NONCE, b"", bytes(49)), "personalization_string is 49 bytes"),
        ("hmac_sha256", {}, ("text entropy", NONCE), "entropy_input must be bytes, got str"),
        ("sha265_drbg", {}, (ENTROPY, NONCE), "DRBG kind 'sha265_drbg' is unknown; known: ctr_aes256, hmac_sha256"),
    ],
)
def test_bad_instantiation_is_a_clear_error(kind, options, args, message):
    with pytest.raises(DrbgError, match=message):
        create_drbg(kind, *args, **options)


@pytest.mark.parametrize("kind,options", KINDS, ids=IDS)
def test_bad_requests_are_clear_errors(kind, options):
    drbg = make(kind, options)
    for bad in (-1, 1.5, True, "8"):
        with pytest.raises(DrbgError, match="non-negative integer"):
            drbg.generate(bad)
    with pytest.raises(DrbgError, match="already instantiated"):
        drbg.instantiate(os.urandom(48), b"" if options else NONCE)
    with pytest.raises(DrbgError, match="entropy_input is 8 bytes"):
        drbg.reseed(bytes(8))
    with pytest.raises(DrbgError, match="reseed_interval"):
        type(drbg)(reseed_interval=(1 << 48) + 1)
    assert drbg.generate(0) == b""


def test_no_df_limits_additional_input_to_seedlen():
    drbg = make("ctr_aes256", {"use_df": False})
    with pytest.raises(DrbgError, match="additional_input is 49 bytes; it must be at most 48"):
        drbg.generate(16, bytes(49))
