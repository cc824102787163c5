"""What runs in the processes that restart a source (engine/restarts.py starts them).

    python -m openentropy.engine.restart_child exec NAME PER_RESTART PARAMS_JSON
        one restart in this fresh interpreter: PER_RESTART bytes on stdout, or exit 1
        with the reason as the last line of stderr
    python -m openentropy.engine.restart_child zygote NAME PER_RESTART RESTARTS TIMEOUT_S PARAMS_JSON
        the fork server: imports the engine and the source's module once, builds no
        source, then for each restart forks a child that does what one ``exec`` restart
        does and reports it to stdout as one frame (below)

One restart, whatever the mode (``collect_row``): the source is built from nothing
(``collect_extracted``: a new object, its parameters validated anew), collects
``PER_RESTART * RAW_PER_SAMPLE`` raw samples within ``COLLECT_DEADLINE_S``, runs them
through its own extraction stages, and keeps the first PER_RESTART extracted bytes: the
same symbols ``oe assess --source`` assesses. Fewer, or a failed collect, fail the restart.

A frame on the zygote's stdout: ``FRAME`` (restart index, child pid, ok, payload
length), then the payload: the row's bytes when ok, else the reason (UTF-8). The zygote
waits at most TIMEOUT_S for each child, then SIGKILLs it and reports "timed out". It
stops when its parent goes away (a new parent pid, or a broken pipe).

The zygote runs no thread (importing the engine starts none:
``grep Threads /proc/<zygote>/status`` says 1 here), so forking it is safe; each child may start
threads of its own (the collector runs the source in one).

Only file descriptors carry data: the zygote keeps its stdout for frames and points
fd 1 at stderr, so a stray print from a source cannot corrupt a frame; children leave
with ``os._exit`` (no inherited buffers flushed twice, no atexit hooks of the zygote).
"""

from __future__ import annotations

import json
import os
import select
import signal
import struct
import sys
import time

#: Raw samples collected per restart, as a multiple of the samples kept: a source's
#: extraction stages (delta, lsb, von Neumann...) may turn many raw samples into one byte.
RAW_PER_SAMPLE = 16
#: The collect's own deadline (seconds), as ``oe assess --source`` gives a collect.
COLLECT_DEADLINE_S = 30.0
#: restart index (int32), child pid (int32), ok (uint8), payload length (uint32)
FRAME = struct.Struct("<iiBI")


class RestartFailure(Exception):
    """One restart gave no row: the reason, one line."""


def collect_row(name: str, per_restart: int, params: dict) -> bytes:
    """One restart's row: the source built anew, ``per_restart`` extracted bytes."""
    from openentropy.engine.measure import collect_extracted

    outcome, data, _ = collect_extracted(name, per_restart * RAW_PER_SAMPLE, deadline_s=COLLECT_DEADLINE_S,
                                         params=params)
    if outcome.status.value != "ok" or len(data) < per_restart:
        raise RestartFailure(f"{name}: {outcome.status.value}, {len(data)} of {per_restart} samples: {outcome.error}")
    return bytes(data[:per_restart])


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _read_until(fd: int, deadline: float) -> tuple[bytes, bool]:
    """Everything ``fd`` gives until EOF, or (what came, True) when ``deadline`` passes."""
    parts = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return b"".join(parts), True
        part = os.read(fd, 1 << 16)
        if not part:
            return b"".join(parts), False
        parts.append(part)


def _child(write_fd: int, name: str, per_restart: int, params: dict) -> None:
    """The forked child: one restart, its result down the pipe, then ``os._exit``."""
    code = 1
    try:
        try:
            payload, code = b"\x01" + collect_row(name, per_restart, params), 0
        except RestartFailure as error:
            payload = b"\x00" + str(error).encode()
        except BaseException as error:  # anything else ends this restart, reported, never raised
            payload = b"\x00" + f"{type(error).__name__}: {error}".encode()
        _write_all(write_fd, payload)
    finally:
        os._exit(code)


def fork_restart(name: str, per_restart: int, params: dict, timeout_s: float) -> tuple[int, bool, bytes]:
    """(child pid, ok, row or reason): one restart in a forked child, killed at ``timeout_s``."""
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    # SIGTERM waits while forking: its handler must not raise inside the fork hooks
    # (logging's lock release), in the zygote or in the child
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    if pid == 0:
        os.close(read_fd)
        _child(write_fd, name, per_restart, params)
    os.close(write_fd)
    timed_out = True
    try:
        data, timed_out = _read_until(read_fd, time.monotonic() + timeout_s)
    finally:  # timed out, or the zygote itself told to stop: the child goes too
        os.close(read_fd)
        if timed_out:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if timed_out:
        return pid, False, f"timed out after {timeout_s:g} s (child {pid} killed)".encode()
    if data[:1] == b"\x01" and len(data) == per_restart + 1:
        return pid, True, data[1:]
    if data[:1] == b"\x00":
        return pid, False, data[1:]
    how = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"code {os.waitstatus_to_exitcode(status)}"
    return pid, False, f"child {pid} ended ({how}) without a row".encode()


def serve(name: str, per_restart: int, restarts: int, timeout_s: float, params: dict, out: int) -> None:
    """The zygote's loop: one frame on ``out`` per restart."""
    from openentropy.engine.measure import source_spec

    try:  # import the source's module once; build nothing
        source_spec(name, per_restart * RAW_PER_SAMPLE, COLLECT_DEADLINE_S, params).source_class
    except Exception as error:
        reason = f"{type(error).__name__}: {error}".encode()
        _write_all(out, FRAME.pack(-1, os.getpid(), 0, len(reason)) + reason)
        return
    parent = os.getppid()
    for index in range(restarts):
        if os.getppid() != parent:
            return
        try:
            pid, ok, payload = fork_restart(name, per_restart, params, timeout_s)
        except OSError as error:  # no fork (EAGAIN, ENOMEM) or no pipe: this restart fails, said so
            pid, ok, payload = 0, False, f"cannot fork a child: {error.strerror or error}".encode()
        try:
            _write_all(out, FRAME.pack(index, pid, int(ok), len(payload)) + payload)
        except BrokenPipeError:
            return


def _main(argv: list[str]) -> int:
    mode, name, per_restart = argv[0], argv[1], int(argv[2])
    if mode == "exec":
        try:
            row = collect_row(name, per_restart, json.loads(argv[3]))
        except RestartFailure as error:
            print(error, file=sys.stderr)
            return 1
        sys.stdout.buffer.write(row)
        sys.stdout.buffer.flush()
        return 0
    out = os.dup(1)
    os.dup2(2, 1)  # fd 1 is stderr from here: prints cannot corrupt a frame
    signal.signal(signal.SIGTERM, _stop)
    status = 0
    try:
        serve(name, per_restart, int(argv[3]), float(argv[4]), json.loads(argv[5]), out)
    except (KeyboardInterrupt, SystemExit):
        status = 130
    finally:  # from here a SIGTERM ends the process quietly (no handler raising during shutdown)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    return status


def _stop(signum, frame):
    raise SystemExit(143)


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
