"""Report files: Markdown, JSON, HTML and JUnit XML from one ``Report``.

Each writer is a pure function ``Report -> str`` (HTML: the page with plots in
``report_page.py``); ``write_reports`` puts the chosen
formats into a folder as ``report.md``, ``report.json``, ``report.html`` and
``report.junit.xml``. JUnit maps each input to a ``testsuite`` and each battery or
SP 800-22 test to a ``testcase`` (a failing test gets a ``failure`` element), so CI
systems show the results as tests.
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

from .report import Report, ReportItem

FILENAMES = {"markdown": "report.md", "json": "report.json", "html": "report.html", "junit": "report.junit.xml"}


def _p(value: float | None) -> str:
    return "-" if value is None else f"{value:.6f}"


def _nist_rows(item: ReportItem) -> list[tuple[str, str, str]]:
    rows = []
    for test in item.nist or ():
        if not test.applicable:
            rows.append((test.name, "n/a", test.reason))
            continue
        low = min(test.p_values) if test.p_values else None
        rows.append((test.name, "pass" if test.passed else "FAIL", f"min p = {_p(low)} over {len(test.p_values)}"))
    return rows


def to_json(report: Report, problems: list[str]) -> str:
    def item_json(item: ReportItem) -> dict:
        return {
            "input": item.input.label, "kind": item.input.kind, "bytes": int(len(item.input.data)),
            "note": item.input.note,
            "battery": {
                "score": item.battery.score, "grade": item.battery.grade, "passed": item.battery.passed,
                "tests": [
                    {"name": r.name, "category": r.category, "passed": r.passed, "p_value": r.p_value,
                     "statistic": r.statistic, "grade": r.grade, "details": r.details, "applicable": r.applicable}
                    for r in item.battery.results
                ],
            },
            "sp800_22": None if item.nist is None else [
                {"name": t.name, "passed": t.passed, "applicable": t.applicable, "reason": t.reason,
                 "p_values": dict(zip(t.labels, t.p_values)) if t.labels else list(t.p_values)}
                for t in item.nist
            ],
            "sp800_90b_min_entropy": None if item.assessment is None else item.assessment.min_entropy,
        }

    payload = {"title": report.title, "seconds": report.seconds, "passed": not problems, "problems": problems,
               "inputs": [item_json(item) for item in report.items]}
    return json.dumps(payload, indent=2, allow_nan=False, default=float)


def to_markdown(report: Report, problems: list[str]) -> str:
    lines = [f"# {report.title}", "", f"**Verdict: {'PASS' if not problems else 'FAIL'}**", ""]
    lines += [f"- {problem}" for problem in problems] + ([""] if problems else [])
    lines += ["| input | bytes | battery grade | score | passed | SP 800-90B min-entropy |", "|---|---:|---|---:|---:|---:|"]
    for item in report.items:
        h = "-" if item.assessment is None else f"{item.assessment.min_entropy:.3f} bits/byte"
        lines.append(f"| {item.input.label} | {len(item.input.data):,} | {item.battery.grade} | "
                     f"{item.battery.score:.1f} | {item.battery.passed}/31 | {h} |")
    for item in report.items:
        lines += ["", f"## {item.input.label}" + (f" ({item.input.note})" if item.input.note else ""), "",
                  "| test | category | result | p-value | grade | details |", "|---|---|---|---:|---|---|"]
        for r in item.battery.results:
            verdict = "pass" if r.passed else ("n/a" if not r.applicable else "FAIL")
            lines.append(f"| {r.name} | {r.category} | {verdict} | {_p(r.p_value)} | {r.grade} | {r.details} |")
        if item.nist is not None:
            lines += ["", "| SP 800-22 test | result | p-values |", "|---|---|---|"]
            lines += [f"| {name} | {verdict} | {detail} |" for name, verdict, detail in _nist_rows(item)]
    return "\n".join(lines) + "\n"


def to_html(report: Report, problems: list[str]) -> str:
    """The self-contained page with plots (engine/report_page.py)."""
    from .report_page import render  # matplotlib is imported only when a page is written

    return render(report, problems)


def to_junit(report: Report, problems: list[str]) -> str:
    """Gated inputs (the pool output) report failing tests as failures; the others, whose
    raw bytes are shown but not gated, report them as skipped with the reason."""
    suites = ElementTree.Element("testsuites", name=report.title)
    gated = {id(item) for item in report.gated_items()}
    for item in report.items:
        cases = [(r.name, r.passed or not r.applicable, f"{r.details} (p={_p(r.p_value)}, grade {r.grade})",
                  not r.applicable) for r in item.battery.results]
        cases += [(f"SP 800-22 {name}", verdict != "FAIL", detail, verdict == "n/a") for name, verdict, detail in _nist_rows(item)]
        failures = sum(1 for _, ok, _, na in cases if not ok and not na) if id(item) in gated else 0
        suite = ElementTree.SubElement(suites, "testsuite", name=item.input.label, tests=str(len(cases)),
                                       failures=str(failures),
                                       skipped=str(sum(1 for _, ok, _, na in cases if na or not ok) - failures))
        for name, ok, detail, not_applicable in cases:
            case = ElementTree.SubElement(suite, "testcase", classname=item.input.label, name=name)
            if not_applicable:
                ElementTree.SubElement(case, "skipped", message=detail)
            elif not ok and id(item) in gated:
                ElementTree.SubElement(case, "failure", message=detail)
            elif not ok:
                ElementTree.SubElement(case, "skipped", message=f"failed, not gated (raw source bytes): {detail}")
    return ElementTree.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


WRITERS = {"markdown": to_markdown, "json": to_json, "html": to_html, "junit": to_junit}


def write_reports(report: Report, problems: list[str], formats: list[str], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = folder / FILENAMES[fmt]
        path.write_text(WRITERS[fmt](report, problems))
        written.append(path)
    return written
