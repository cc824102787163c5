"""Response models: what each route returns, for the OpenAPI docs at ``/docs``.

Hot routes build their JSON by hand (``anu.encode``) and return it as a ``Response``, so
these models document them without costing a validation per request.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ErrorResponse(BaseModel):
    success: bool = Field(False, description="always false")
    message: str = Field(description="what was wrong: the parameter, its allowed range, or the reason")


class AnuResponse(BaseModel):
    type: str = Field(description="uint8, uint16, or 'string' for hex16")
    length: int = Field(description="number of values")
    size: int | None = Field(None, description="bytes per value (hex16 only)")
    data: list[int] | list[str] = Field(description="the values")
    success: bool = True


class SourceStatus(BaseModel):
    name: str
    healthy: bool = Field(description="last collect succeeded and the source is in the SP 800-90B healthy state")
    bytes: int = Field(description="bytes mixed into the pool (upstream field)")
    entropy: float = Field(description="last Shannon entropy, bits per byte (upstream field)")
    min_entropy: float = Field(description="last MCV min-entropy, bits per byte")
    time: float = Field(description="last collect duration in seconds (upstream field)")
    failures: int = Field(description="collects that failed")
    weight: float
    physical: bool = Field(description="false for reference sources (never credited)")
    health: str = Field(description="SP 800-90B state: startup | healthy | quarantined")
    health_failures: int
    last_health_failure: str
    credited_bits: float


class SourcesResponse(BaseModel):
    profile: str
    sources: list[SourceStatus]
    total: int


class HealthResponse(BaseModel):
    status: str = Field(description="healthy (every source healthy), degraded, or starting (no round yet)")
    profile: str
    sources_healthy: int
    sources_total: int
    raw_bytes: int = Field(description="bytes mixed into the pool")
    output_bytes: int = Field(description="bytes the pool has produced")
    ready: bool = Field(description="the first harvest round has completed")
    profiles: list[str] = Field(description="every served profile")


class PoolStatusResponse(BaseModel):
    profile: str
    mode: str
    sources_healthy: int
    total: int
    raw_bytes: int
    output_bytes: int
    buffer_size: int = Field(description="bytes waiting in the sources' input buffers (upstream field)")
    buffered_output: int = Field(description="output generated ahead of requests")
    credited_bits: float = Field(description="credited in over the pool's life: = balance + hashed + dropped")
    drawn_bits: float = Field(description="credit hashed into released full-entropy blocks and DRBG seeds")
    balance_bits: float = Field(description="credit still buffered, carried by the buffered input bytes")
    hashed_bits: float = Field(description="credit hashed into the pool state with the bytes that carry it")
    dropped_bits: float = Field(description="credit dropped with bytes a full input buffer let go")
    full_entropy_blocks: int = Field(description="blocks released with >= 320 credited bits hashed into each")
    blocks: int
    drbg_reseeds: int
    drbg_instantiations: int
    rounds: int = Field(description="harvest rounds completed")
    bytes_served: int
    last_error: str
    sources: list[SourceStatus]


class ProfileSummary(BaseModel):
    name: str
    description: str
    mode: str
    sources: list[str]
    served: bool
    default: bool = False


class ProfilesResponse(BaseModel):
    default: str
    served: list[ProfileSummary]
    shipped: list[str]


class ProfileDetail(BaseModel):
    served: bool
    profile: dict[str, Any] = Field(description="the profile fully resolved (extends merged, defaults filled)")


class LoadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")  # the document says additionalProperties: false

    profile: str = Field(description="a shipped profile name")


class ControlResponse(BaseModel):
    success: bool = True
    profile: str
    message: str
