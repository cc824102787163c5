"""Streaming text encodings for sinks: raw bytes, or hex/base64 in whole lines.

An encoder is fed chunks of any size and emits the same text as encoding the whole
stream at once: it carries the bytes of an unfinished line to the next call, and
``finish()`` emits the last, short line. Line widths follow common tools: 64 hex digits
(32 bytes, like ``sha256sum``) and 76 base64 characters (57 bytes, MIME / RFC 2045).
"""

from __future__ import annotations

import base64
from typing import Literal

Format = Literal["raw", "hex", "base64"]

_BYTES_PER_LINE = {"hex": 32, "base64": 57}


def _encode_line(fmt: Format, data: bytes) -> bytes:
    text = data.hex() if fmt == "hex" else base64.b64encode(data).decode("ascii")
    return text.encode("ascii") + b"\n"


class StreamEncoder:
    """Turns a byte stream into ``fmt`` output, chunk by chunk."""

    def __init__(self, fmt: Format):
        self.format = fmt
        self._pending = b""

    def feed(self, data: bytes) -> bytes:
        """The encoded output for ``data`` that is complete so far."""
        if self.format == "raw":
            return bytes(data)
        width = _BYTES_PER_LINE[self.format]
        buffer = self._pending + bytes(data)
        whole = len(buffer) // width * width
        self._pending = buffer[whole:]
        return b"".join(_encode_line(self.format, buffer[i : i + width]) for i in range(0, whole, width))

    def finish(self) -> bytes:
        """The output for the bytes still pending (a last, shorter line)."""
        if self.format == "raw" or not self._pending:
            return b""
        tail, self._pending = self._pending, b""
        return _encode_line(self.format, tail)
