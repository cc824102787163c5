"""The fifo sink: creating or refusing the path, readers one after another, stopping.

Writes that wait for a reader run in a thread; the test plays the reader with a
non-blocking descriptor (an open that cannot hang the test). Every wait is bounded.
"""

import os
import stat
import threading
import time

import pipe_reading
import pytest

from openentropy.engine.loader import load_profile_text
from openentropy.errors import SinkError
from openentropy.pipelines.fifo_sink import FifoSinkSpec, make_fifo

WAIT_S = 20  # bound on any wait: generous for a loaded machine, never reached when all is well


def open_reader(path) -> int:
    return os.open(path, os.O_RDONLY | os.O_NONBLOCK)


def read_exactly(fd: int, n: int) -> bytes:
    return pipe_reading.read_exactly(fd, n, WAIT_S)


def in_thread(function, *args) -> threading.Thread:
    thread = threading.Thread(target=function, args=args, daemon=True)
    thread.start()
    return thread


def finished(thread: threading.Thread) -> bool:
    thread.join(WAIT_S)
    return not thread.is_alive()


def test_make_fifo_creates_owner_only_pipe_reuses_one_and_refuses_anything_else(tmp_path):
    path = tmp_path / "random"
    assert make_fifo(path) is True
    assert stat.S_ISFIFO(os.stat(path).st_mode) and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert make_fifo(path) is False
    regular = tmp_path / "notes.txt"
    regular.write_text("keep me")
    with pytest.raises(SinkError, match="exists and is not a named pipe; refusing to replace it"):
        make_fifo(regular)
    assert regular.read_text() == "keep me"
    with pytest.raises(SinkError, match="not a named pipe"):
        make_fifo(tmp_path)
    with pytest.raises(SinkError, match="cannot create"):
        make_fifo(tmp_path / "missing" / "random")


def test_close_removes_only_a_pipe_it_created(tmp_path):
    created = FifoSinkSpec(path=str(tmp_path / "ours")).open()
    created.close()
    assert not (tmp_path / "ours").exists()
    os.mkfifo(tmp_path / "theirs")
    reused = FifoSinkSpec(path=str(tmp_path / "theirs")).open()
    reused.close()
    assert stat.S_ISFIFO(os.stat(tmp_path / "theirs").st_mode)
    replaced = FifoSinkSpec(path=str(tmp_path / "swapped")).open()
    os.unlink(tmp_path / "swapped")
    (tmp_path / "swapped").write_text("someone else's")
    replaced.close()
    assert (tmp_path / "swapped").read_text() == "someone else's"


def test_a_write_waits_for_a_reader_and_delivers_everything(tmp_path):
    sink = FifoSinkSpec(path=str(tmp_path / "p")).open()
    assert finished(in_thread(sink.write, b""))  # nothing to deliver: no reader needed
    data = os.urandom(300_000)  # more than the default 64 KiB pipe buffer
    writer = in_thread(sink.write, data)
    time.sleep(0.2)
    assert writer.is_alive()  # no reader yet
    fd = open_reader(tmp_path / "p")
    assert read_exactly(fd, len(data)) == data
    assert finished(writer) and sink.bytes_written == len(data) and sink.readers == 1
    os.close(fd)
    sink.close()


def test_a_lost_reader_drops_what_it_did_not_take_and_the_next_reader_gets_fresh_bytes(tmp_path):
    sink = FifoSinkSpec(path=str(tmp_path / "p")).open()
    first, dropped, fresh = os.urandom(100), os.urandom(100), os.urandom(100)
    fd = open_reader(tmp_path / "p")
    assert finished(in_thread(sink.write, first))
    assert read_exactly(fd, 40) == first[:40]
    os.close(fd)  # 60 bytes of `first` were never taken
    assert finished(in_thread(sink.write, dropped))  # EPIPE: dropped, the pipe let go
    writer = in_thread(sink.write, fresh)
    fd = open_reader(tmp_path / "p")
    assert read_exactly(fd, 100) == fresh  # nothing of `first` or `dropped`
    assert finished(writer)
    with pytest.raises(BlockingIOError):  # and nothing after it: the pipe is open and empty
        os.read(fd, 1000)
    assert sink.readers == 2 and sink.bytes_written == 200  # `first` sat in the pipe: sent, counted
    os.close(fd)
    sink.close()


def test_each_reader_gets_whole_lines_of_text(tmp_path):
    sink = FifoSinkSpec(path=str(tmp_path / "p"), format="hex").open()
    fd = open_reader(tmp_path / "p")
    assert finished(in_thread(sink.write, bytes(40)))  # one line of 32 bytes; 8 wait for the next
    assert read_exactly(fd, 65) == b"00" * 32 + b"\n"
    os.close(fd)
    assert finished(in_thread(sink.write, bytes(32)))  # a line for a reader that is gone: dropped
    writer = in_thread(sink.write, b"\xff" * 32)
    fd = open_reader(tmp_path / "p")
    assert read_exactly(fd, 65) == b"ff" * 32 + b"\n"  # a fresh line, not the 8 pending bytes
    assert finished(writer)
    sink.close()
    os.close(fd)


def test_stop_ends_the_wait_for_a_reader_and_for_room(tmp_path):
    stop = threading.Event()
    sink = FifoSinkSpec(path=str(tmp_path / "p")).open(stop)
    waiting = in_thread(sink.write, b"x" * 10)
    time.sleep(0.2)
    stop.set()
    assert finished(waiting) and sink.bytes_written == 0

    stop = threading.Event()
    sink = FifoSinkSpec(path=str(tmp_path / "q")).open(stop)
    fd = open_reader(tmp_path / "q")  # a reader that never reads: the pipe fills up
    blocked = in_thread(sink.write, bytes(8 << 20))
    time.sleep(0.3)
    assert blocked.is_alive()
    stop.set()
    assert finished(blocked) and 0 < sink.bytes_written < 8 << 20
    os.close(fd)
    sink.close()
    assert not (tmp_path / "q").exists()


def test_a_profile_can_name_a_fifo_sink(tmp_path):
    profile = load_profile_text(
        f"name: f\nsources: [{{name: os_random}}]\nsinks: [{{type: fifo, path: '{tmp_path / 'p'}', format: base64}}]\n"
    )
    assert profile.sinks[0].type == "fifo" and profile.sinks[0].format == "base64"
    with pytest.raises(Exception, match="format"):
        load_profile_text("name: f\nsources: [{name: os_random}]\nsinks: [{type: fifo, path: p, format: octal}]\n")
