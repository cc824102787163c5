"""The ``report:`` section of a profile: what ``oe report`` measures and when it fails.

    report:
      source_bytes: 131072      extracted bytes tested per source (before any hashing)
      pool_bytes: 1048576       pool output bytes tested
      nist: true                also run the 15 SP 800-22 tests
      assess: true              SP 800-90B min-entropy of every source's bytes
      formats: [markdown, json, html, junit]
      output: report            folder for the report files (and recordings)
      record: true              keep each source's bytes and the pool output as .bin files
      min_grade: C              the pool output's battery grade must reach this...
      min_passed: 28            ...and this many of the 31 battery tests must pass
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from openentropy.strict import StrictModel

Format = Literal["markdown", "json", "html", "junit"]
GRADE_ORDER = "ABCDF"


class ReportSpec(StrictModel):
    source_bytes: int = Field(131072, ge=1024, le=1 << 28, description="extracted bytes tested per source")
    pool_bytes: int = Field(1 << 20, ge=1024, le=1 << 28, description="pool output bytes tested")
    nist: bool = Field(False, description="also run the NIST SP 800-22 suite")
    assess: bool = Field(True, description="SP 800-90B min-entropy of every source's extracted bytes")
    formats: list[Format] = Field(default_factory=lambda: ["markdown", "json"], min_length=1)
    output: str = Field("report", min_length=1, description="folder for report files and recordings")
    record: bool = Field(True, description="keep every source's bytes and the pool output as .bin files")
    min_grade: Literal["A", "B", "C", "D", "F"] = Field("C", description="lowest acceptable pool battery grade")
    min_passed: int = Field(28, ge=0, le=31, description="battery tests the pool output must pass")
