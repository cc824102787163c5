"""The profile language: pydantic models for a validated profile.

A profile (YAML, see profiles/*.yaml) has::

    name, description, extends      identity; ``extends`` names a parent profile
    sources: [SourceSpec]           what to collect: name, weight, samples, deadline,
                                    params, and optional per-source stages
    conditioning: [StageSpec]       stages applied to every source's bytes after its own
    pool: PoolSpec                  output construction and what it mixes in
    sinks: [SinkSpec]               where output goes
    run: RunSpec                    rounds, total bytes, interval, bytes per round
    engine: EngineSpec              where collection runs: threads here, or a
                                    dask.distributed cluster (cluster.py)
    server: ServerSpec              REST service settings (``oe serve``): auth, limits, CORS;
                                    defined in api/profile_section.py, composed here (SECTIONS)

Every model forbids unknown keys; stages and sinks are discriminated on ``type``.
Loading YAML (with ``extends``, ``${VAR}`` and line/column errors) is in loader.py.
"""

from __future__ import annotations

import importlib
import re
import types
from functools import cache, cached_property
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from openentropy.pipelines.html_table import number, table
from openentropy.pipelines.sinks import SinkSpec, StdoutSinkSpec
from openentropy.pipelines.stages import StageSpec, parse_stages
from openentropy.sources.base import EntropySource, SourceParams
from openentropy.sources.registry import get_source_class

from openentropy.errors import ProfileError, UnknownSourceError
from openentropy.strict import StrictModel

from .duration import Duration
from .report_spec import ReportSpec

#: Profile sections defined by the layer that uses them, by import path (as the source
#: registry names its sources): the engine composes them into the schema without
#: importing a layer to its right. Resolved once, when this module is imported.
SECTIONS = types.MappingProxyType({
    "server": "openentropy.api.profile_section:ServerSpec",
})


@cache
def section_model(name: str) -> type:
    module, _, attribute = SECTIONS[name].partition(":")
    return getattr(importlib.import_module(module), attribute)


class HealthSpec(StrictModel):
    """SP 800-90B 4.4 health-test settings and the credit cap for one source."""

    alpha: float = Field(
        2.0**-20, ge=2.0**-40, le=2.0**-20, description="false-positive rate per test (SP 800-90B 4.4: 2^-40..2^-20)"
    )
    min_entropy: float | None = Field(
        None, gt=0, le=64, description="min-entropy per symbol the cutoffs assume; default: the source's declared value"
    )
    credit_cap: float | None = Field(None, ge=0, le=64, description="most bits credited per symbol; default: no cap")
    backoff: Duration = Field(1.0, gt=0, le=3600, description="first quarantine back-off; doubles per failure")
    estimate: Literal["online", "sp800_90b"] = Field(
        "online",
        description="per-round min-entropy estimate for crediting: online = min(MCV, Markov, deflate bound); "
        "sp800_90b = all ten SP 800-90B estimators (slower: ~0.3 s per 20k symbols)",
    )


class SourceSpec(StrictModel):
    """One source in a profile and how it is collected each round."""

    name: str = Field(min_length=1, description="registry name, or an import path 'package.module:Class'")
    weight: float = Field(1.0, gt=0, le=1000, description="share of each pool mix drawn from this source")
    samples: int = Field(4096, ge=2, le=16_777_216, description="raw samples requested per round")
    deadline: Duration = Field(0.1, gt=0, le=600, description="seconds a collect may take ('250ms', '2s')")
    params: dict[str, Any] = Field(default_factory=dict, description="source-specific options")
    stages: list[StageSpec] | None = Field(None, description="extraction stages; default: the source's own")
    health: HealthSpec = Field(default_factory=HealthSpec, description="health tests and credit cap")

    @field_validator("name")
    @classmethod
    def _known_source(cls, name: str) -> str:
        try:
            get_source_class(name)
        except UnknownSourceError as error:
            raise PydanticCustomError("unknown_source", "{reason}", {"reason": str(error)}) from None
        return name

    @model_validator(mode="after")
    def _valid_params(self) -> "SourceSpec":
        try:
            self.source_class.Params.model_validate(self.params)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise PydanticCustomError(
                "source_params",
                "{message}",
                {"message": f"{self.name}: {first['msg']}", "field": f"params.{where}" if where else "params"},
            ) from None
        return self

    @cached_property
    def source_class(self) -> type[EntropySource]:
        return get_source_class(self.name)

    def validated_params(self) -> SourceParams:
        return self.source_class.Params.model_validate(self.params)

    def health_min_entropy(self) -> float:
        """H for the cutoffs: the profile's value, else the source's declared one."""
        return self.health.min_entropy or self.source_class.declared_min_entropy

    def canonical_stages(self) -> list[Any]:
        """The source's own extraction stages before any hashing: they turn raw samples
        into the symbols its health tests and credit are about (a timing source's
        deltas), whatever ``stages`` this entry sets for mixing."""
        stages = parse_stages(self.source_class.default_stages)
        hashing = next((i for i, stage in enumerate(stages) if stage.type == "sha256"), len(stages))
        return stages[:hashing]

    def extraction_stages(self) -> list[Any]:
        """This entry's stages, or the source's declared defaults."""
        if self.stages is not None:
            return list(self.stages)
        return parse_stages(self.source_class.default_stages)


class DrbgSpec(StrictModel):
    """The SP 800-90A DRBG behind ``pool.mode: drbg``."""

    kind: Literal["ctr_aes256", "hmac_sha256"] = Field("ctr_aes256", description="CTR_DRBG (AES-256) or HMAC_DRBG (SHA-256)")
    reseed_bytes: int = Field(1 << 20, ge=1, le=1 << 40, description="reseed after this many output bytes")
    reseed_seconds: Duration = Field(60.0, gt=0, le=86400, description="reseed after this long")
    prediction_resistance: bool = Field(False, description="reseed with fresh full-entropy input before every request")


class PoolSpec(StrictModel):
    """How the pool turns mixed input into output."""

    mode: Literal["sha256", "full_entropy", "drbg"] = Field(
        "sha256",
        description="sha256: chained SHA-256, never blocks; full_entropy: each 256-bit block needs 320 credited bits; "
        "drbg: SP 800-90A DRBG seeded from full_entropy output",
    )
    drbg: DrbgSpec = Field(default_factory=DrbgSpec, description="DRBG settings (mode: drbg)")
    timeout: Duration = Field(5.0, gt=0, le=3600, description="longest a full_entropy request waits for credit")
    os_random: bool = Field(True, description="mix 8 bytes of OS randomness into every output block")
    input_per_block: int = Field(
        256, ge=0, le=4096,
        description="harvested bytes drawn into each 32-byte output block (upstream: 256); in full_entropy and drbg "
        "modes a block also takes as many more credited bytes as it needs to carry 320 bits",
    )
    buffer_limit: int = Field(
        1 << 20, ge=1024, le=1 << 30, description="bytes kept per source awaiting mixing; older bytes are dropped"
    )

    @model_validator(mode="after")
    def _fresh_input_per_block(self) -> "PoolSpec":
        if self.input_per_block == 0 and self.mode != "sha256":
            raise PydanticCustomError(
                "fresh_input",
                "0 is not allowed in {mode} mode: every block must hash fresh, credited "
                "input; use 1 or more (the credited bytes a block needs are added on top)",
                {"mode": self.mode, "field": "input_per_block"},
            )
        return self


class RunSpec(StrictModel):
    """How long to run. With neither ``rounds`` nor ``bytes``, run until stopped."""

    rounds: int | None = Field(None, ge=1, description="stop after this many rounds")
    bytes: int | None = Field(None, ge=1, description="stop after writing exactly this many bytes")
    interval: Duration = Field(0.0, ge=0, le=86400, description="pause between rounds")
    bytes_per_round: int = Field(65536, ge=1, le=1 << 26, description="pool output bytes per round (at most)")
    stall_timeout: Duration = Field(
        30.0, gt=0, le=86400, description="stop with an error after this long without output (full_entropy starved)"
    )


#: dask.distributed's address schemes (its comm backends): tcp, tls, inproc, ucx, ws, wss.
_SCHEDULER_ADDRESS = r"^(threads|(tcp|tls|inproc|ucx|ws|wss)://\S+)$"


class EngineSpec(StrictModel):
    """Where a round's collection runs (engine/cluster.py explains the distributed run)."""

    scheduler: str = Field(
        "threads",
        description="threads: collect in this process; or a dask.distributed scheduler address "
        "(tcp://host:8786, tls://host:8786)",
    )
    placement: Literal["local", "each_worker"] = Field(
        "local",
        description="on a cluster: local = each source once per round, on one worker (spread in turn); "
        "each_worker = every source on every worker, each machine's own noise",
    )
    connect_timeout: Duration = Field(10.0, gt=0, le=600, description="longest wait to reach the scheduler")
    network_slack: Duration = Field(
        0.5, ge=0, le=60,
        description="extra wait for a worker's results past the round's longest deadline (scheduling and network)",
    )

    @field_validator("scheduler")
    @classmethod
    def _scheduler_address(cls, value: str) -> str:
        if not re.match(_SCHEDULER_ADDRESS, value):
            raise PydanticCustomError(
                "scheduler_address",
                "neither 'threads' nor a dask scheduler address such as tcp://host:8786",
                {"value": value})
        return value

    @property
    def distributed(self) -> bool:
        return self.scheduler != "threads"


class Profile(StrictModel):
    """A complete, validated profile."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=64)
    description: str = ""
    extends: str | None = None
    sources: list[SourceSpec] = Field(min_length=1)
    conditioning: list[StageSpec] = Field(default_factory=list)
    pool: PoolSpec = Field(default_factory=PoolSpec)
    sinks: list[SinkSpec] = Field(default_factory=lambda: [StdoutSinkSpec()], min_length=1)
    run: RunSpec = Field(default_factory=RunSpec)
    report: ReportSpec = Field(default_factory=ReportSpec, description="what `oe report` measures and gates on")
    engine: EngineSpec = Field(default_factory=EngineSpec, description="threads here or a dask.distributed cluster")
    server: "ServerSpec" = Field(default_factory=lambda: section_model("server")(),
                                 description="what `oe serve` allows and limits")

    @field_validator("sources")
    @classmethod
    def _unique_sources(cls, sources: list[SourceSpec]) -> list[SourceSpec]:
        seen: set[str] = set()
        for index, source in enumerate(sources):
            if source.name in seen:
                raise PydanticCustomError(
                    "duplicate_source",
                    "source '{name}' is listed twice (again at sources[{index}]); give it one entry",
                    {"name": source.name, "index": index, "field": f"{index}.name"},
                )
            seen.add(source.name)
        return sources

    def with_run(self, **changes: Any) -> "Profile":
        """A copy with ``run`` fields replaced (validated), e.g. from CLI flags."""
        run = RunSpec.model_validate({**self.run.model_dump(), **changes})
        return self.model_copy(update={"run": run})

    def with_engine(self, **changes: Any) -> "Profile":
        """A copy with ``engine`` fields replaced (None leaves a field as it is), e.g.
        from ``oe run --scheduler``; a bad value raises ``ProfileError`` naming the field."""
        fields = {key: value for key, value in changes.items() if value is not None}
        try:
            engine = EngineSpec.model_validate({**self.engine.model_dump(), **fields})
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise ProfileError(f"engine.{where}: {first['msg']} (got {first.get('input')!r})") from None
        return self.model_copy(update={"engine": engine})

    def _repr_html_(self) -> str:
        pool = table(
            ["profile", "pool mode", "input per block", "OS random", "conditioning", "sinks", "description"],
            [[self.name, self.pool.mode, self.pool.input_per_block, str(self.pool.os_random),
              " > ".join(stage.type for stage in self.conditioning) or "-",
              ", ".join(sink.type for sink in self.sinks), self.description]],
            caption=f"profile {self.name}",
        )
        rows = [
            [s.name, s.weight, s.samples, number(s.deadline * 1000, 0),
             " > ".join(stage.type for stage in s.stages) if s.stages is not None else "(its own)",
             number(s.health.credit_cap), s.health.estimate]
            for s in self.sources
        ]
        return pool + table(["source", "weight", "samples", "deadline (ms)", "stages", "credit cap (bits)", "estimate"], rows)


Profile.model_rebuild(_types_namespace={"ServerSpec": section_model("server")})
