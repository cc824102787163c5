"""The table of known sources: ``name -> "module:Class"``, imported only when asked for.

Three ways a source name resolves, in this order:

1. ``SOURCES``, the built-in table below (alphabetical; read-only).
2. Installed packages' entry points in the group ``openentropy.sources``.
3. An import path ``package.module:ClassName`` written directly in a profile.

Whatever the route, the class must subclass ``EntropySource`` and its ``info.name``
must equal the registry key (import-path sources keep their path as their key).
"""

from __future__ import annotations

import importlib
import importlib.metadata
from types import MappingProxyType

from openentropy.errors import UnknownSourceError
from openentropy.suggest import did_you_mean

from .base import EntropySource

ENTRY_POINT_GROUP = "openentropy.sources"

SOURCES = MappingProxyType(
    {
        "audio_noise": "openentropy.sources.capture:AudioNoise",
        "cache_contention": "openentropy.sources.microarchitecture:CacheContention",
        "camera_noise": "openentropy.sources.capture:CameraNoise",
        "cas_contention": "openentropy.sources.microarchitecture:CasContention",
        "clock_jitter": "openentropy.sources.clock_jitter:ClockJitter",
        "compression_timing": "openentropy.sources.signal_timing:CompressionTiming",
        "cpu_io_beat": "openentropy.sources.cross_domain:CpuIoBeat",
        "cpu_memory_beat": "openentropy.sources.cross_domain:CpuMemoryBeat",
        "denormal_timing": "openentropy.sources.microarchitecture:DenormalTiming",
        "disk_io": "openentropy.sources.io_timing:DiskIo",
        "dns_timing": "openentropy.sources.network:DnsTiming",
        "dram_row_buffer": "openentropy.sources.memory_timing:DramRowBuffer",
        "fsync_journal": "openentropy.sources.io_timing:FsyncJournal",
        "futex_pingpong": "openentropy.sources.ipc:FutexPingpong",
        "getrandom_timing": "openentropy.sources.system:GetrandomTiming",
        "hash_timing": "openentropy.sources.signal_timing:HashTiming",
        "hwmon_sensors": "openentropy.sources.sensors:HwmonSensors",
        "os_random": "openentropy.sources.os_random:OsRandom",
        "page_fault_timing": "openentropy.sources.memory_timing:PageFaultTiming",
        "pe_core_arithmetic": "openentropy.sources.scheduling:PeCoreArithmetic",
        "pipe_buffer": "openentropy.sources.ipc:PipeBuffer",
        "proc_counters": "openentropy.sources.system:ProcCounters",
        "process_table": "openentropy.sources.system:ProcessTable",
        "rdrand": "openentropy.sources.cpu_rng:Rdrand",
        "rdseed": "openentropy.sources.cpu_rng:Rdseed",
        "sched_yield_timing": "openentropy.sources.scheduling:SchedYieldTiming",
        "sleep_jitter": "openentropy.sources.scheduling:SleepJitter",
        "speculative_execution": "openentropy.sources.microarchitecture:SpeculativeExecution",
        "tcp_connect_timing": "openentropy.sources.network:TcpConnectTiming",
        "thread_lifecycle": "openentropy.sources.scheduling:ThreadLifecycle",
        "timer_coalescing": "openentropy.sources.scheduling:TimerCoalescing",
        "tlb_shootdown": "openentropy.sources.microarchitecture:TlbShootdown",
        "tsc_clock_beat": "openentropy.sources.tsc_beat:TscClockBeat",
        "vm_page_timing": "openentropy.sources.memory_timing:VmPageTiming",
        "wifi_rssi": "openentropy.sources.sensors:WifiRssi",
    }
)


def _entry_point_sources() -> dict[str, str]:
    return {ep.name: ep.value for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}


def source_names() -> list[str]:
    """Every registered name: built-in and entry-point sources, sorted."""
    return sorted({*SOURCES, *_entry_point_sources()})


def is_import_path(name: str) -> bool:
    """True for ``package.module:ClassName`` spellings."""
    return ":" in name


def _load(target: str, name: str) -> type[EntropySource]:
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise UnknownSourceError(f"source '{name}': cannot import module '{module_name}' ({error})") from None
    cls = getattr(module, attr, None)
    if cls is None:
        raise UnknownSourceError(f"source '{name}': module '{module_name}' has no attribute '{attr}'")
    if not (isinstance(cls, type) and issubclass(cls, EntropySource)):
        raise UnknownSourceError(
            f"source '{name}': {target} is not an EntropySource subclass "
            "(it must subclass openentropy.sources.EntropySource and define info and collect)"
        )
    if getattr(cls, "__abstractmethods__", None):
        missing = ", ".join(sorted(cls.__abstractmethods__))
        raise UnknownSourceError(f"source '{name}': {target} does not implement {missing}")
    if not hasattr(cls, "info"):
        raise UnknownSourceError(f"source '{name}': {target} has no 'info' metadata")
    return cls


def get_source_class(name: str) -> type[EntropySource]:
    """The class registered under ``name`` (or found at an import path).

    Raises ``UnknownSourceError`` naming the known sources and the closest match.
    """
    if name in SOURCES:
        return _load(SOURCES[name], name)
    plugins = _entry_point_sources()
    if name in plugins:
        return _load(plugins[name], name)
    if is_import_path(name):
        return _load(name, name)
    known = source_names()
    raise UnknownSourceError(
        f"'{name}' is not a known source{did_you_mean(name, known)} (known: {', '.join(known)})"
    )
