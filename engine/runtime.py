"""The live objects a compiled profile works on: source collectors, the pool, the sinks.

``Runtime(profile)`` instantiates every source (with its validated ``params``), wraps
each in a deadline-bounded ``Collector`` and gives it a ``HealthMonitor``, builds the ``EntropyPool`` from the profile's
``pool`` section and prepares (but does not open) the sinks. ``open_sinks`` and
``close_sinks`` bracket a run; closing flushes and fsyncs even after an error.

On a dask.distributed cluster (``engine.scheduler`` is an address) the sources and their
monitors live on the workers (remote.py), so this process instantiates none: the pool
learns each ``source@host:pid`` when its first report arrives (cluster.py).
"""

from __future__ import annotations

from openentropy.pipelines.sinks import Sink

from .collector import Collector
from openentropy.errors import SinkError
from .health import HealthMonitor
from .pool import EntropyPool
from .profile import Profile


class Runtime:
    def __init__(self, profile: Profile):
        self.profile = profile
        self.collectors: dict[str, Collector] = {}
        self.monitors: dict[str, HealthMonitor] = {}
        self.pool = EntropyPool(
            mode=profile.pool.mode,
            drbg=profile.pool.drbg.model_dump(),
            timeout_s=profile.pool.timeout,
            os_random=profile.pool.os_random,
            input_per_block=profile.pool.input_per_block,
            buffer_limit=profile.pool.buffer_limit,
        )
        for spec in profile.sources if not profile.engine.distributed else ():
            source = spec.source_class(spec.validated_params())
            self.collectors[spec.name] = Collector(source, spec.name)
            self.monitors[spec.name] = HealthMonitor(
                h=spec.health_min_entropy(), alpha=spec.health.alpha, backoff_s=spec.health.backoff
            )
            self.pool.add_source(spec.name, spec.weight, physical=source.info.physical)
        self.sinks: list[Sink] = []

    def open_sinks(self) -> None:
        """Open every sink; if one fails, close those already open and re-raise."""
        try:
            for spec in self.profile.sinks:
                self.sinks.append(spec.open())
        except SinkError:
            self.close_sinks()
            raise

    def close_sinks(self) -> list[str]:
        """Close all sinks, even if some fail; returns the failures' messages."""
        problems = []
        for sink in self.sinks:
            try:
                sink.close()
            except BrokenPipeError:
                pass
            except (SinkError, OSError) as error:
                problems.append(str(error))
        self.sinks = []
        return problems
