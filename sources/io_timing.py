"""Storage timing: ``disk_io`` (random 4 KiB reads) and ``fsync_journal`` (write + fsync).

Both time one system call per sample against a scratch file they create themselves in
``params.directory`` (default ``tempfile.gettempdir()``), bounded in size by a
parameter, and unlinked before ``collect`` returns, also on error or at the deadline.
A read-only, missing or full directory is reported by ``available()`` (statvfs, no
writes) and, if it still fails when the file is created, by ``SourceUnavailableError``
naming the directory and the cause.

``disk_io`` opens the file with ``O_DIRECT`` so that each read goes to the device, not
the page cache; ``O_DIRECT`` needs a block-aligned buffer, which an anonymous ``mmap``
provides (page aligned). Where the filesystem refuses ``O_DIRECT`` (EINVAL, e.g. tmpfs
before Linux 6.6) it reads buffered and evicts each block with
``posix_fadvise(DONTNEED)`` first; ``runtime_notes()`` says which mode ran.

Samples are durations: ``oe_ticks()`` units (TSC cycles on x86) from the native core,
nanoseconds from the Python fallback.
"""

from __future__ import annotations

import errno
import mmap
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from pydantic import Field

from openentropy.errors import SourceUnavailableError

from . import _native
from .timing_source import DURATION_STAGES
from .base import AVAILABLE, Availability, Category, SourceInfo, unavailable
from .timing_source import TimingParams, TimingSource

BLOCK = 4096  # bytes per read: one page, the O_DIRECT alignment unit on every Linux filesystem

#: Samples per collect at most: 8 MiB of output. Reads take >= ~10 us and commits ~1 ms,
#: so a round would have to last 10 s to reach it; it stops a huge n from allocating n slots.
MAX_SAMPLES = 1 << 20

_CAUSES = {
    errno.EROFS: "read-only filesystem",
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOENT: "no such directory",
    errno.ENOTDIR: "not a directory",
}


def _scratch_error(directory: str, error: OSError) -> SourceUnavailableError:
    cause = _CAUSES.get(error.errno or 0, error.strerror or str(error))
    return SourceUnavailableError(f"cannot write a scratch file in {directory}: {cause}")


def _directory_availability(directory: str, needed_bytes: int) -> Availability:
    """Whether ``directory`` can hold ``needed_bytes`` of scratch: statvfs only, no writes."""
    if not os.path.isdir(directory):
        return unavailable(f"scratch directory {directory} does not exist")
    try:
        stats = os.statvfs(directory)
    except OSError as error:
        return unavailable(f"cannot statvfs {directory}: {error.strerror}")
    if stats.f_flag & os.ST_RDONLY:
        return unavailable(f"scratch directory {directory} is on a read-only filesystem")
    if not os.access(directory, os.W_OK):
        return unavailable(f"scratch directory {directory} is not writable")
    free = stats.f_bavail * stats.f_frsize
    if free < needed_bytes:
        return unavailable(
            f"scratch directory {directory} is full: {free // 1024} KiB free, {needed_bytes // 1024} KiB needed"
        )
    return AVAILABLE


def _fs_type(path: str) -> str:
    """The filesystem type of the mount holding ``path`` (from /proc/self/mounts), or 'this filesystem'."""
    best, kind = "", "this filesystem"
    target = os.path.realpath(path)
    try:
        with open("/proc/self/mounts") as mounts:
            for line in mounts:
                fields = line.split()
                if len(fields) >= 3 and (target == fields[1] or target.startswith(fields[1].rstrip("/") + "/")):
                    if len(fields[1]) > len(best):
                        best, kind = fields[1], fields[2]
    except OSError:
        pass
    return kind


@contextmanager
def _scratch_file(directory: str, prefix: str, size: int) -> Iterator[str]:
    """A new file of ``size`` written, fsync'ed bytes (0 = empty) in ``directory``; unlinked on exit."""
    try:
        fd, path = tempfile.mkstemp(prefix=prefix, dir=directory)
    except OSError as error:
        raise _scratch_error(directory, error) from None
    try:
        try:
            chunk = os.urandom(min(size, 1 << 20))  # incompressible, so no layer below can elide the data
            written = 0
            while written < size:
                written += os.write(fd, chunk[: size - written])
            if size:
                os.fsync(fd)
                os.posix_fadvise(fd, 0, size, os.POSIX_FADV_DONTNEED)
        except OSError as error:
            raise _scratch_error(directory, error) from None
        finally:
            os.close(fd)
        yield path
    finally:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def _open_for_reads(path: str, allow_direct: bool, buffer: mmap.mmap) -> tuple[int, str]:
    """Open ``path`` for timed reads: (fd, mode note). Tries O_DIRECT and one aligned read first."""
    if not allow_direct:
        return os.open(path, os.O_RDONLY), "buffered (O_DIRECT disabled by params)"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECT)
    except OSError as error:
        if error.errno != errno.EINVAL:
            raise
    else:
        try:
            os.preadv(fd, [buffer], 0)
            return fd, "O_DIRECT"
        except OSError as error:
            os.close(fd)
            if error.errno != errno.EINVAL:
                raise
    return os.open(path, os.O_RDONLY), f"buffered (O_DIRECT refused by {_fs_type(path)}: EINVAL)"


class DiskIoParams(TimingParams):
    directory: str | None = None  # None: tempfile.gettempdir()
    scratch_mib: int = Field(4, ge=1, le=256)
    direct: bool = True  # try O_DIRECT; False always reads buffered (+ DONTNEED)


class DiskIo(TimingSource):
    info = SourceInfo(
        name="disk_io",
        description="Latency of random 4 KiB direct reads from a scratch file",
        physics=(
            "Each read travels through the block layer, the device queue and the storage "
            "controller: NAND page reads with varying read-retry and ECC effort, flash "
            "translation layer lookups, or, on rotating disks, seek and rotational position. "
            "Queue contention with other I/O, interrupt coalescing and, in a VM, the host's "
            "own scheduling add further jitter. The low bits of each latency are not "
            "predictable from outside the device."
        ),
        category=Category.IO,
        platforms=("linux",),
        requirements=("writable scratch directory", "native timing core (or Python fallback)"),
        entropy_rate_estimate=5.0e4,
    )
    Params = DiskIoParams
    default_stages = DURATION_STAGES
    native_symbol = "oe_disk_io"
    has_python_fallback = True

    def __init__(self, params: DiskIoParams | None = None):
        super().__init__(params)
        self._io_mode: str | None = None

    @property
    def directory(self) -> str:
        return self.params.directory or tempfile.gettempdir()

    def available_here(self) -> Availability:
        return _directory_availability(self.directory, self.params.scratch_mib << 20)

    def runtime_notes(self) -> dict[str, str]:
        if self._io_mode is None:  # not collected yet: probe with a one-block file
            try:
                with _scratch_file(self.directory, "oe-disk_io-probe-", BLOCK) as path:
                    buffer = mmap.mmap(-1, BLOCK)
                    try:
                        fd, self._io_mode = _open_for_reads(path, self.params.direct, buffer)
                        os.close(fd)
                    finally:
                        buffer.close()
            except (OSError, SourceUnavailableError) as error:
                return {"io": f"unknown ({error})"}
        return {"io": self._io_mode}

    def collect(self, n: int, deadline_ns: int) -> np.ndarray:
        n = min(n, MAX_SAMPLES)
        nblocks = (self.params.scratch_mib << 20) // BLOCK
        seed = int.from_bytes(os.urandom(8), "little")  # only spreads offsets; not credited
        with _scratch_file(self.directory, "oe-disk_io-", nblocks * BLOCK) as path:
            buffer = mmap.mmap(-1, BLOCK)  # page-aligned, as O_DIRECT requires
            try:
                try:
                    fd, self._io_mode = _open_for_reads(path, self.params.direct, buffer)
                except OSError as error:
                    raise _scratch_error(self.directory, error) from None
                try:
                    drop = not self._io_mode.startswith("O_DIRECT")
                    if self.uses_native:
                        return self._collect_native(n, deadline_ns, fd, buffer, nblocks, seed, drop)
                    return self._collect_py(n, deadline_ns, fd, buffer, nblocks, seed, drop)
                finally:
                    os.close(fd)
            finally:
                buffer.close()

    def _collect_native(self, n, deadline_ns, fd, buffer, nblocks, seed, drop) -> np.ndarray:
        out = np.empty(n, dtype=np.uint64)
        ffi = _native.ffi
        out_ptr, buf_ptr = ffi.from_buffer("uint64_t[]", out), ffi.from_buffer(buffer)
        try:
            taken = _native.lib.oe_disk_io(out_ptr, n, deadline_ns, fd, buf_ptr, nblocks, seed, int(drop))
        finally:
            ffi.release(buf_ptr)  # the mmap cannot close while a pointer into it is exported
            ffi.release(out_ptr)
        if taken < 0:
            raise SourceUnavailableError(f"disk_io: reads from the scratch file fail: {os.strerror(-taken)}")
        return out[:taken]

    def _collect_py(self, n, deadline_ns, fd, buffer, nblocks, seed, drop) -> np.ndarray:
        offsets = np.random.default_rng(seed).integers(0, nblocks, size=min(n, 1 << 16)) * BLOCK
        clock = time.perf_counter_ns
        out = np.empty(n, dtype=np.uint64)
        i = 0
        while i < n:
            offset = int(offsets[i % len(offsets)])
            if drop:
                os.posix_fadvise(fd, offset, BLOCK, os.POSIX_FADV_DONTNEED)
            start = clock()
            os.preadv(fd, [buffer], offset)
            out[i] = clock() - start
            i += 1
            if time.monotonic_ns() >= deadline_ns:  # a read takes microseconds: check every one
                break
        return out[:i]


class FsyncJournalParams(TimingParams):
    directory: str | None = None  # None: tempfile.gettempdir()
    record_bytes: int = Field(64, ge=1, le=BLOCK)
    max_kib: int = Field(256, ge=4, le=16384)  # the journal file never grows past this


class FsyncJournal(TimingSource):
    info = SourceInfo(
        name="fsync_journal",
        description="Latency of appending a small record and fsync'ing it (journal commit)",
        physics=(
            "An fsync forces the filesystem to commit its journal transaction and the device "
            "to flush its volatile write cache before returning. The latency depends on the "
            "journal thread's wake-up, other writers sharing the transaction, the device's "
            "flash program and garbage-collection state or platter position, and queue "
            "contention, none of which the caller controls or can observe. The low bits of "
            "each commit latency carry that physical and scheduling noise."
        ),
        category=Category.IO,
        platforms=("linux",),
        requirements=("writable scratch directory", "native timing core (or Python fallback)"),
        entropy_rate_estimate=2.0e3,
    )
    Params = FsyncJournalParams
    default_stages = DURATION_STAGES
    native_symbol = "oe_fsync_journal"
    has_python_fallback = True

    @property
    def directory(self) -> str:
        return self.params.directory or tempfile.gettempdir()

    def available_here(self) -> Availability:
        return _directory_availability(self.directory, self.params.max_kib << 10)

    def collect(self, n: int, deadline_ns: int) -> np.ndarray:
        n = min(n, MAX_SAMPLES)
        record = b"\x5a" * self.params.record_bytes  # fixed content: only the timing varies
        max_bytes = self.params.max_kib << 10
        with _scratch_file(self.directory, "oe-fsync_journal-", 0) as path:
            try:
                fd = os.open(path, os.O_WRONLY)
            except OSError as error:
                raise _scratch_error(self.directory, error) from None
            try:
                if self.uses_native:
                    out = np.empty(n, dtype=np.uint64)
                    out_ptr = _native.ffi.from_buffer("uint64_t[]", out)
                    taken = _native.lib.oe_fsync_journal(out_ptr, n, deadline_ns, fd, record, len(record), max_bytes)
                    if taken < 0:
                        raise _scratch_error(self.directory, OSError(-taken, os.strerror(-taken)))
                    return out[:taken]
                return self._collect_py(n, deadline_ns, fd, record, max_bytes)
            finally:
                os.close(fd)

    def _collect_py(self, n, deadline_ns, fd, record, max_bytes) -> np.ndarray:
        clock = time.perf_counter_ns
        out = np.empty(n, dtype=np.uint64)
        offset, i = 0, 0
        while i < n:
            if offset + len(record) > max_bytes:
                offset = 0
            start = clock()
            try:
                if os.pwrite(fd, record, offset) != len(record):
                    raise OSError(errno.ENOSPC, "short write")
                os.fsync(fd)
            except OSError as error:
                if i == 0:
                    raise _scratch_error(self.directory, error) from None
                break
            out[i] = clock() - start
            offset += len(record)
            i += 1
            if time.monotonic_ns() >= deadline_ns:
                break
        return out[:i]
