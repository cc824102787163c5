"""Sinks: stdout formats, file modes (never truncating unless asked), errors, encoders."""

import base64
import io
import os

import pytest

from openentropy.errors import SinkError
from openentropy.pipelines.encoding import StreamEncoder
from openentropy.pipelines.sinks import FileSinkSpec, NullSinkSpec, StdoutSinkSpec


@pytest.mark.parametrize("fmt", ["raw", "hex", "base64"])
def test_stream_encoder_equals_one_shot_encoding_for_any_chunking(fmt):
    data = os.urandom(1000)
    whole = StreamEncoder(fmt)
    expected = whole.feed(data) + whole.finish()
    pieces = StreamEncoder(fmt)
    out = b""
    for start, size in zip(range(0, 1000, 7), [7] * 143):
        out += pieces.feed(data[start : start + size])
    assert out + pieces.finish() == expected


def test_encoded_text_decodes_back():
    data = os.urandom(200)
    hex_encoder, b64_encoder = StreamEncoder("hex"), StreamEncoder("base64")
    hex_text = (hex_encoder.feed(data) + hex_encoder.finish()).decode()
    b64_text = (b64_encoder.feed(data) + b64_encoder.finish()).decode()
    assert all(len(line) <= 64 for line in hex_text.splitlines())
    assert all(len(line) <= 76 for line in b64_text.splitlines())
    assert bytes.fromhex("".join(hex_text.split())) == data
    assert b"".join(base64.b64decode(line) for line in b64_text.splitlines()) == data


class FakeTty(io.BytesIO):
    def isatty(self):
        return True


def test_stdout_auto_is_hex_on_a_terminal_and_raw_when_redirected():
    spec = StdoutSinkSpec()
    assert spec.resolved_format(FakeTty()) == "hex"
    assert spec.resolved_format(io.BytesIO()) == "raw"
    assert StdoutSinkSpec(format="base64").resolved_format(FakeTty()) == "base64"


def test_file_sink_appends_by_default(tmp_path):
    path = tmp_path / "out.bin"
    path.write_bytes(b"keep")
    sink = FileSinkSpec(path=str(path)).open()
    sink.write(b"new")
    sink.close()
    sink.close()  # closing twice is harmless
    assert path.read_bytes() == b"keepnew" and sink.bytes_written == 3


def test_file_sink_truncate_and_create(tmp_path):
    path = tmp_path / "out.bin"
    path.write_bytes(b"old")
    sink = FileSinkSpec(path=str(path), mode="truncate").open()
    sink.write(b"x")
    sink.close()
    assert path.read_bytes() == b"x"
    with pytest.raises(SinkError, match="file exists and mode is 'create'"):
        FileSinkSpec(path=str(path), mode="create").open()
    assert path.read_bytes() == b"x"
    fresh = tmp_path / "fresh.hex"
    sink = FileSinkSpec(path=str(fresh), mode="create", format="hex").open()
    sink.write(bytes([0xAB, 0xCD]))
    sink.close()
    assert fresh.read_text() == "abcd\n"
    assert oct(fresh.stat().st_mode & 0o777) == "0o600"  # random output is private


def test_file_sink_bad_directory_is_a_clear_error(tmp_path):
    with pytest.raises(SinkError, match=r"cannot open: No such file or directory"):
        FileSinkSpec(path=str(tmp_path / "missing" / "out.bin")).open()


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="/dev/full simulates a full disk on Linux")
def test_full_disk_is_a_clear_error():
    sink = FileSinkSpec(path="/dev/full").open()
    with pytest.raises(SinkError, match=r"cannot write: No space left on device \(0 bytes written"):
        sink.write(b"x" * 10)
    sink.close()  # nothing pending: closing a sink after a failed write is clean


def test_null_sink_counts():
    sink = NullSinkSpec().open()
    sink.write(b"abc")
    sink.close()
    assert sink.bytes_written == 3
