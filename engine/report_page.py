"""The HTML report page of ``oe report``: one self-contained file a person reads first.

Layout, top to bottom:
    1. the verdict (a green PASS or red FAIL banner) and the problems behind a FAIL
    2. the summary table: one row per input (bytes, battery grade and score, tests
       passed, SP 800-22 passed, SP 800-90B min-entropy)
    3. per-source min-entropy bars: the SP 800-90B estimate against what each source
       declares (its health tests' assumption) and what a pool would credit (the lower)
    4. per input: byte histogram, autocorrelation, a bitmap of its bits and, with
       SP 800-22, the P-value distribution; then the 31-test battery table and the
       SP 800-22 table, each collapsed in a ``<details>`` element

Self-contained: figures are PNG ``data:`` URIs, styles are inline, there is no script
and no external link, so the page opens from disk, from a CI artefact or offline.
An input with no bytes (a source that could not run) gets its note and no plots.
"""

from __future__ import annotations

import base64
import html

from openentropy.pipelines.html_table import number, table, verdict
from openentropy.pipelines.sp80022.result_table import ResultTable
from openentropy.sources.registry import get_source_class

from . import plots
from .report import Report, ReportItem

#: Fewest bytes the per-input plots are drawn for (the autocorrelation needs lags + 2).
MIN_PLOT_BYTES = 64

_PAGE_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:1100px;margin:16px auto;padding:0 12px;color:#222}"
    "h1{margin-bottom:4px}h2{margin-top:28px;border-bottom:1px solid #ddd}"
    ".banner{padding:10px 16px;font-size:20px;font-weight:700;border-radius:4px}"
    ".pass{background:#d8f3dc;color:#1b4332}.fail{background:#ffd6d6;color:#7f1d1d}"
    ".plots img{max-width:100%;margin:4px 0}summary{cursor:pointer;font-weight:600;margin:8px 0}"
)


def _image(figure, alt: str) -> str:
    data = base64.b64encode(plots.png(figure)).decode("ascii")
    figure.clear()
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _declared(item: ReportItem) -> float | None:
    if item.input.kind != "source":
        return None
    try:
        return get_source_class(item.input.label).declared_min_entropy
    except Exception:  # a source path that no longer imports: show no declaration
        return None


def _summary(report: Report) -> str:
    rows = []
    for item in report.items:
        nist = ResultTable(item.nist) if item.nist is not None else None
        rows.append([
            item.input.label, item.input.kind, int(len(item.input.data)),
            verdict(item.battery.failed == 0, yes=item.battery.grade, no=item.battery.grade),
            number(item.battery.score, 1), f"{item.battery.passed}/{len(item.battery.results)}",
            verdict(None, neither="-") if nist is None else verdict(nist.failed == 0, yes=f"{nist.passed} passed",
                                                                 no=f"{nist.failed} failed"),
            number(None if item.assessment is None else item.assessment.min_entropy, 3),
            item.input.note,
        ])
    return table(["input", "kind", "bytes", "battery grade", "score", "passed", "SP 800-22",
                  "SP 800-90B min-entropy (bits/byte)", "note"], rows, caption="summary")


def _entropy_bars(report: Report) -> str:
    rows = {}
    for item in report.items:
        if item.assessment is None:
            continue
        declared = _declared(item)
        estimate = item.assessment.min_entropy
        rows[item.input.label] = {"estimate": estimate, "declared": declared,
                                  "credited": estimate if declared is None else min(estimate, declared)}
    return _image(plots.min_entropy_bars(rows), "min-entropy per input") if rows else ""


def _item(item: ReportItem) -> str:
    label = item.input.label
    parts = [f"<h2>{html.escape(label)}</h2>"]
    if item.input.note:
        parts.append(f"<p>{html.escape(item.input.note)}</p>")
    data = item.input.data
    if len(data) >= MIN_PLOT_BYTES:
        figures = [plots.byte_histogram(data, title=f"{label}: byte values"),
                   plots.autocorrelation(data, title=f"{label}: autocorrelation"),
                   plots.bit_bitmap(data, title=f"{label}: bits")]
        if item.nist:
            p_values = [p for test in item.nist for p in test.p_values]
            if p_values:
                figures.append(plots.p_value_histogram(p_values, title=f"{label}: SP 800-22 P-values"))
        parts.append('<div class="plots">' + "".join(_image(f, f.axes[0].get_title()) for f in figures) + "</div>")
    parts.append(f"<details><summary>31-test battery: grade {item.battery.grade}, {item.battery.passed} passed, "
                 f"{item.battery.failed} failed</summary>{item.battery._repr_html_()}</details>")
    if item.nist is not None:
        nist = ResultTable(item.nist)
        parts.append(f"<details><summary>SP 800-22: {nist.passed} passed, {nist.failed} failed, "
                     f"{nist.not_applicable} not applicable</summary>{nist._repr_html_()}</details>")
    if item.assessment is not None:
        parts.append(f"<details><summary>SP 800-90B: {item.assessment.min_entropy:.3f} bits/byte</summary>"
                     f"{item.assessment._repr_html_()}</details>")
    return "".join(parts)


def render(report: Report, problems: list[str]) -> str:
    """The whole page (see the module docstring)."""
    ok = not problems
    head = (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(report.title)}</title>"
            f"<style>{_PAGE_STYLE}</style></head><body>")
    top = [f"<h1>{html.escape(report.title)}</h1>",
           f"<div class='banner {'pass' if ok else 'fail'}'>Verdict: {'PASS' if ok else 'FAIL'}</div>"]
    if problems:
        top.append("<ul>" + "".join(f"<li>{html.escape(p)}</li>" for p in problems) + "</ul>")
    top.append(f"<p>{len(report.items)} inputs, measured in {report.seconds:.1f} s.</p>")
    body = [_summary(report), _entropy_bars(report), *(_item(item) for item in report.items)]
    return head + "".join(top) + "".join(body) + "</body></html>\n"
