"""The SP 800-22 results of one sequence as one table (``run_suite`` returns a list).

    table = ResultTable(run_suite(bits))
    table.passed, table.failed, table.not_applicable     counts of tests
    table                                                 a coloured table in a notebook

One row per P-value (a test with several, like Serial or RandomExcursions, has a row per
label), so every number behind a verdict is on the page. A row fails when its P-value is
below the test's alpha (0.01, SP 800-22 section 4.2.1).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..html_table import number, table, verdict
from .result import TestResult


class ResultTable(tuple):
    """A tuple of ``TestResult`` that reads as a table."""

    def __new__(cls, results: Iterable[TestResult]):
        return super().__new__(cls, results)

    @property
    def passed(self) -> int:
        return sum(r.passed is True for r in self)

    @property
    def failed(self) -> int:
        return sum(r.passed is False for r in self)

    @property
    def not_applicable(self) -> int:
        return sum(r.passed is None for r in self)

    def __repr__(self) -> str:
        return f"<SP 800-22: {self.passed} passed, {self.failed} failed, {self.not_applicable} not applicable>"

    def _repr_html_(self) -> str:
        rows = []
        for r in self:
            if not r.applicable:
                rows.append([r.name, "", verdict(None), number(None), r.reason])
            for label, p in zip(r.labels, r.p_values):
                rows.append([r.name, label, verdict(p >= r.alpha), number(p, 6), ""])
        caption = f"SP 800-22: {self.passed} passed, {self.failed} failed, {self.not_applicable} not applicable"
        return table(["test", "variant", "verdict", "P-value", "note"], rows, caption=caption)
