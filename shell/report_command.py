"""``oe report``: the 31-test battery (and SP 800-22, SP 800-90B) on sources and pool output."""

from __future__ import annotations

from pathlib import Path

import click

FORMATS = ("markdown", "json", "html", "junit")


@click.command("report")
@click.argument("profile", required=False)
@click.option("--source", "sources", multiple=True, help="Report on this source's extracted bytes (repeatable).")
@click.option("--file", "files", multiple=True, type=click.Path(dir_okay=False), help="Report on this file (repeatable).")
@click.option("--nist", is_flag=True, help="Also run the 15 NIST SP 800-22 tests.")
@click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS),
              help="Report files to write (repeatable; default: the profile's, else markdown and json).")
@click.option("--output", type=click.Path(file_okay=False), help="Folder for the report files (default: the profile's).")
@click.option("--bytes", "nbytes", type=click.IntRange(min=1024), help="Bytes to test per source and of pool output.")
def report_command(profile, sources, files, nist, formats, output, nbytes) -> None:
    """Run the battery on raw per-source output and on pool output; write Markdown, JSON,
    HTML and JUnit XML; exit 1 when the pool output falls below the profile's threshold
    (report.min_grade, report.min_passed), so CI can gate on it.

    \b
    Examples:
      oe report report                    the shipped report profile (what CI runs)
      oe report default --nist --format html --output out/
      oe report --source page_fault_timing --file capture.bin
    """
    from openentropy.engine import report as reporting
    from openentropy.engine.loader import load_profile
    from openentropy.engine.report_formats import write_reports
    from openentropy.engine.report_spec import ReportSpec

    from . import activity
    from .console import stdout_console

    if profile and (sources or files):
        raise click.UsageError("give a PROFILE, or --source/--file inputs, not both")
    if profile or not (sources or files):
        spec = load_profile(profile or "report")
        overrides = {"nist": spec.report.nist or nist}
        if nbytes:
            overrides.update(source_bytes=nbytes, pool_bytes=nbytes)
        spec = spec.model_copy(update={"report": spec.report.model_copy(update=overrides)})
        settings, title = spec.report, f"openentropy report: profile {spec.name}"
        inputs = reporting.gather_profile_inputs(spec, activity.report)
    else:
        settings = ReportSpec(nist=nist, **({"source_bytes": nbytes} if nbytes else {}))
        title = "openentropy report"
        inputs = [reporting.source_input(name, settings.source_bytes) for name in sources]
        inputs += [reporting.file_input(path) for path in files]
    report = reporting.build_report(title, inputs, nist=settings.nist, min_entropy=settings.assess,
                                    progress=activity.report)
    problems = report.verdict(settings)
    folder = Path(output or settings.output)
    written = write_reports(report, problems, list(formats or settings.formats), folder)
    if settings.record and (profile or not (sources or files)):
        written += reporting.record_inputs(inputs, folder / "recordings")
    _print_summary(stdout_console(), report, problems, written)
    if problems:
        raise SystemExit(1)


def _print_summary(console, report, problems, written) -> None:
    from rich.table import Table

    table = Table(title=report.title, title_justify="left")
    for column in ("input", "bytes", "grade", "score", "battery passed", "SP 800-22", "SP 800-90B", "note"):
        table.add_column(column, justify="left" if column in ("input", "grade", "note") else "right")
    for item in report.items:
        nist = "-" if item.nist is None else f"{sum(1 for t in item.nist if t.passed)}/{len(item.nist)}"
        h = "-" if item.assessment is None else f"{item.assessment.min_entropy:.2f} b/B"
        table.add_row(item.input.label, f"{len(item.input.data):,}", item.battery.grade, f"{item.battery.score:.1f}",
                      f"{item.battery.passed}/31", nist, h, item.input.note)
    console.print(table)
    for problem in problems:
        console.print(f"[red]below threshold:[/] {problem}")
    console.print(("[green]PASS[/]" if not problems else "[red]FAIL[/]") + f" in {report.seconds:.1f} s; wrote "
                  + ", ".join(str(p) for p in written[:6]) + (" ..." if len(written) > 6 else ""))
