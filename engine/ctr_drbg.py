"""CTR_DRBG with AES-256 (SP 800-90A rev1, section 10.2.1), with or without the df.

State (SP 800-90A 10.2.1.1), each overwritten in place (see ``drbg.py``)
    _key  :: bytearray(32)   the AES-256 Key
    _v    :: bytearray(16)   V, the 128-bit counter block
    reseed_counter           kept by ``DrbgBase``

Parameters for AES-256 (SP 800-90A Table 3): keylen = 256, blocklen = outlen = 128,
seedlen = keylen + blocklen = 384 bits, ctr_len = blocklen (the whole of V is the
counter), security strength 256 bits.

With the derivation function (``use_df=True``, the default; 10.2.1.3.2, 10.2.1.4.2,
10.2.1.5.2) seed material is ``Block_Cipher_df`` (10.3.2) of the inputs, so entropy input
may be any length from 32 bytes up, a nonce of at least 16 bytes is required, and
personalization and additional input may be long. Without it (10.2.1.3.1, 10.2.1.4.1,
10.2.1.5.1) entropy input must be exactly seedlen (48 bytes) of full entropy, no nonce
is used, and personalization and additional input are at most 48 bytes, zero-padded and
XORed in.

Speed: Generate and Update in one AES-CTR pass
    Generate (10.2.1.5) computes ``V = (V + 1) mod 2^128; out += AES(Key, V)`` per block,
    then ``CTR_DRBG_Update`` (10.2.1.2) continues the same way for three more blocks and
    XORs them with the 48-byte provided data. Because ctr_len = blocklen = 128, "V + 1"
    is a 128-bit big-endian increment with wrap-around, which is exactly the counter of
    AES-CTR mode in OpenSSL (used by ``cryptography``). So one CTR encryptor started at
    ``V + 1`` yields the output blocks from encrypting zeros and, continuing, the Update
    result from encrypting ``provided_data``: ``Key || V = CTR(provided_data)``. The
    request is rounded up to whole blocks first, as the standard's loop does, so the
    counter the Update starts from is the one the standard uses. A test compares this
    with a block-by-block ECB reference, including across the 2^128 wrap.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from .drbg import DrbgBase, EntropySource, RESEED_INTERVAL

KEY_BYTES = 32  # keylen = 256 bits (SP 800-90A Table 3, AES-256)
BLOCK_BYTES = 16  # blocklen = outlen = 128 bits (Table 3)
SEED_BYTES = KEY_BYTES + BLOCK_BYTES  # seedlen = 384 bits (Table 3)
_DF_KEY = bytes(range(KEY_BYTES))  # K = leftmost keylen bits of 0x00010203...1F (10.3.2 step 8)
_ZEROS = bytes(1 << 16)  # keystream source for one maximal request (2^19 bits)


def _ctr(key: bytes | bytearray, counter: bytes | bytearray):
    """An AES-256-CTR encryptor whose first block uses ``counter`` as the input block."""
    return Cipher(algorithms.AES(bytes(key)), modes.CTR(bytes(counter))).encryptor()


def _increment(v: bytes | bytearray) -> bytes:
    """``(V + 1) mod 2^128`` as 16 big-endian bytes (ctr_len = blocklen, 10.2.1.2 step 2.1)."""
    return ((int.from_bytes(v, "big") + 1) % (1 << 128)).to_bytes(BLOCK_BYTES, "big")


def _bcc(encrypt, data: bytes) -> bytes:
    """BCC (SP 800-90A 10.3.3): CBC-MAC with a zero IV over whole blocks of ``data``."""
    chain = bytes(BLOCK_BYTES)
    for i in range(0, len(data), BLOCK_BYTES):
        block = int.from_bytes(chain, "big") ^ int.from_bytes(data[i : i + BLOCK_BYTES], "big")
        chain = encrypt.update(block.to_bytes(BLOCK_BYTES, "big"))
    return chain


def block_cipher_df(input_string: bytes, n_bytes: int = SEED_BYTES) -> bytes:
    """Block_Cipher_df (SP 800-90A 10.3.2) with AES-256: ``n_bytes`` derived from the input."""
    ecb = Cipher(algorithms.AES(_DF_KEY), modes.ECB()).encryptor()
    # S = L || N || input_string || 0x80, zero-padded to a multiple of outlen (steps 2-4)
    s = len(input_string).to_bytes(4, "big") + n_bytes.to_bytes(4, "big") + input_string + b"\x80"
    s += bytes(-len(s) % BLOCK_BYTES)
    temp = b""
    i = 0
    while len(temp) < SEED_BYTES:  # steps 9-10: IV = i (32 bits) || zeros
        temp += _bcc(ecb, i.to_bytes(4, "big") + bytes(BLOCK_BYTES - 4) + s)
        i += 1
    ecb = Cipher(algorithms.AES(temp[:KEY_BYTES]), modes.ECB()).encryptor()
    x = temp[KEY_BYTES:SEED_BYTES]
    out = b""
    while len(out) < n_bytes:  # steps 13-15: X = Block_Encrypt(K, X)
        x = ecb.update(x)
        out += x
    return out[:n_bytes]


class CtrDrbg(DrbgBase):
    """CTR_DRBG, AES-256, with the derivation function unless ``use_df=False``."""

    def __init__(
        self,
        *,
        use_df: bool = True,
        entropy_source: EntropySource | None = None,
        reseed_interval: int = RESEED_INTERVAL,
    ):
        super().__init__(entropy_source=entropy_source, reseed_interval=reseed_interval)
        self.use_df = use_df
        self.name = "ctr_aes256" if use_df else "ctr_aes256 (no df)"
        if not use_df:  # 10.2.1.3.1 / 10.2.1.4.1: full-entropy seedlen input, no nonce
            self.min_entropy_bytes = self.max_entropy_bytes = SEED_BYTES
            self.min_nonce_bytes = self.max_nonce_bytes = 0
            self.max_personalization_bytes = self.max_additional_bytes = SEED_BYTES
        self._key = bytearray(KEY_BYTES)
        self._v = bytearray(BLOCK_BYTES)

    def _seed_material(self, data: bytes, extra: bytes) -> bytes:
        """``df(data || extra)`` with the df, else ``data XOR pad(extra)`` (10.2.1.3, 10.2.1.4)."""
        if self.use_df:
            return block_cipher_df(data + extra)
        padded = extra + bytes(SEED_BYTES - len(extra))
        return (int.from_bytes(data, "big") ^ int.from_bytes(padded, "big")).to_bytes(SEED_BYTES, "big")

    def _update(self, provided_data: bytes, encryptor=None) -> None:
        """CTR_DRBG_Update (10.2.1.2): ``Key || V = CTR_{Key, V+1}(provided_data)``.

        ``encryptor`` continues a generate's keystream; without one, start at V + 1.
        """
        encryptor = encryptor or _ctr(self._key, _increment(self._v))
        temp = encryptor.update(provided_data) + encryptor.finalize()
        self._key[:] = temp[:KEY_BYTES]
        self._v[:] = temp[KEY_BYTES:]

    def _instantiate_algorithm(self, entropy: bytes, nonce: bytes, personalization: bytes) -> None:
        seed = self._seed_material(entropy, nonce + personalization)  # no df: the nonce is empty
        self._key[:] = bytes(KEY_BYTES)  # Key = 0^keylen, V = 0^blocklen (10.2.1.3 steps 4-5)
        self._v[:] = bytes(BLOCK_BYTES)
        self._update(seed)

    def _reseed_algorithm(self, entropy: bytes, additional: bytes) -> None:
        self._update(self._seed_material(entropy, additional))

    def _generate_algorithm(self, n_bytes: int, additional: bytes) -> bytes:
        if additional:  # 10.2.1.5 step 2: provided data for both updates
            additional = block_cipher_df(additional) if self.use_df else additional + bytes(SEED_BYTES - len(additional))
            self._update(additional)
        else:
            additional = bytes(SEED_BYTES)
        encryptor = _ctr(self._key, _increment(self._v))
        blocks = -(-n_bytes // BLOCK_BYTES)
        keystream = encryptor.update(memoryview(_ZEROS)[: blocks * BLOCK_BYTES])
        self._update(additional, encryptor)  # step 6: backtracking resistance
        return keystream[:n_bytes]

    def _wipe(self) -> None:
        self._key[:] = bytes(KEY_BYTES)
        self._v[:] = bytes(BLOCK_BYTES)
