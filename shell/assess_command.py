"""``oe assess``: the SP 800-90B min-entropy assessment of a source or a file.

A file is read one sample per byte and never past ``--max-bytes``: ``/dev/zero`` or a
disk image would otherwise be read into memory until it ran out. When the cap cuts a
file short the report says so (``truncated`` and ``max_bytes`` in ``--json``).

What runs (``pipelines.estimators``): the IID track (section 5: permutation test with
``--seed``, chi-square, LRS test, most common value), then the non-IID track (6.3: the
ten estimators) when the IID tests reject the data, as SP 800-90B requires, or always
with ``--non-iid`` (a dossier then shows both). The claim is the IID figure when
the data pass as IID, else the non-IID one (``dossier._claim``). ``--restart FILE`` adds
the restart test (3.1.4) on a 1000 x 1000 restart matrix (a raw file, restart after
restart, or a session folder ``oe record --restarts`` wrote), with H_I from ``--h-initial``
or else the claim; given alone (no --source/--file) it runs the restart test only.
``--source NAME --restarts N`` collects the matrix first (engine/restarts.py; ``--restart-mode``
fork or exec says how each restart is made, and what each resets).
``--report PATH`` writes the dossier (``--format`` markdown, json, html) to PATH.md/...
"""

from __future__ import annotations

import json
import time

import click

#: Default cap on the bytes read from --file: SP 800-90B (section 3.1.1) asks for
#: 1,000,000 samples, the size the estimators are built and timed for (NIST's
#: ea_non_iid takes 14-18 s on it here). One byte is one sample, whatever --bits.
DEFAULT_MAX_BYTES = 1_000_000

#: The estimators need at least this many samples.
MIN_SAMPLES = 1000

#: engine/restarts.py's constants, repeated here so the options' help needs no import
#: of the engine at start-up; tests/shell check they agree.
RESTARTS, RESTART_SAMPLES, MODES, TIMEOUT_S = 1000, 1000, ("fork", "exec"), 120.0

#: Dossier formats for --report, and the suffix each file gets.
REPORT_FORMATS = ("markdown", "json", "html")
_SUFFIX = {"markdown": ".md", "json": ".json", "html": ".html"}


def load_symbols(source: str | None, file: str | None, samples: int, params: tuple[str, ...],
                 max_bytes: int = DEFAULT_MAX_BYTES):
    """(bytes to assess, a label, truncated): a source's extracted bytes, or at most
    ``max_bytes`` of a file (``truncated`` says whether the file went on)."""
    import numpy as np

    from openentropy.errors import OpenEntropyError
    from openentropy.engine.measure import collect_extracted

    from .params import parse_params

    if (source is None) == (file is None):
        raise click.UsageError("give exactly one of --source NAME or --file PATH")
    if file is not None:
        try:
            with open(file, "rb") as handle:
                data = np.frombuffer(handle.read(max_bytes), dtype=np.uint8)
                truncated = len(data) == max_bytes and handle.read(1) != b""
        except OSError as error:
            raise click.BadParameter(f"cannot read {file}: {error.strerror}", param_hint="--file") from None
        except MemoryError:
            raise click.BadParameter(f"{max_bytes:,} bytes do not fit in memory; give a smaller value",
                                     param_hint="--max-bytes") from None
        return data, file, truncated
    outcome, data, _ = collect_extracted(source, samples, deadline_s=30.0, params=parse_params(params))
    if outcome.status.value != "ok":
        raise OpenEntropyError(f"source '{source}' {outcome.status.value}: {outcome.error}")
    return data, source, False


@click.command("assess")
@click.option("--source", help="Assess this source's extracted bytes (after its stages, before hashing).")
@click.option("--file", type=click.Path(dir_okay=False), help="Assess this file, one sample per byte.")
@click.option("--bits", type=click.IntRange(1, 8), default=8, show_default=True,
              help="Bits per symbol: each byte's low N bits are the sample.")
@click.option("--samples", type=click.IntRange(min=MIN_SAMPLES), default=1_000_000, show_default=True,
              help="Raw samples to collect from --source.")
@click.option("--max-bytes", type=click.IntRange(min=MIN_SAMPLES), default=DEFAULT_MAX_BYTES, show_default=True,
              help="Read at most this many bytes of --file (one sample per byte, whatever --bits); "
                   "the report says when the file was longer.")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A source parameter (repeatable).")
@click.option("--non-iid", "non_iid", is_flag=True,
              help="Run the non-IID track even when the data pass as IID (default: only when the IID tests reject them).")
@click.option("--seed", type=int, default=None, help="Seed of the permutation test's shuffles (default: fixed, printed).")
@click.option("--shuffles", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="At most this many permutation-test shuffles (SP 800-90B 5.1: 10,000).")
@click.option("--restart", "restart_file", type=click.Path(exists=False),
              help="Restart data: 1,000 restarts x 1,000 samples: a file (one sample per byte, restart after "
                   "restart) or a session folder from 'oe record --restarts'.")
@click.option("--h-initial", type=float, help="H_I for the restart test (default: the assessment's claim).")
@click.option("--restarts", type=click.IntRange(min=1), default=None,
              help="With --source: restart it this many times (a new process each), 1,000 samples each, "
                   "and run the restart test on that (SP 800-90B 3.1.4 wants 1,000).")
@click.option("--restart-mode", type=click.Choice(MODES), default="fork", show_default=True,
              help="How --restarts restarts the source: fork a child of a zygote that imported the engine "
                   "(fast), or exec a fresh interpreter each time (resets more, seconds each).")
@click.option("--restart-timeout", type=click.FloatRange(min=0, min_open=True), default=TIMEOUT_S,
              show_default=True, metavar="SECONDS", help="Kill a restart that takes longer, and stop (exit 1).")
@click.option("--save-restarts", type=click.Path(dir_okay=False), help="Also write the collected restart data here.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False),
              help="Write the dossier to this path (one file per --format, suffix added).")
@click.option("--format", "formats", multiple=True, type=click.Choice(REPORT_FORMATS),
              help="Dossier formats for --report (repeatable; default markdown and json).")
@click.option("--json", "as_json", is_flag=True, help="Print the assessment as JSON.")
def assess_command(source, file, bits, samples, max_bytes, params, non_iid, seed, shuffles, restart_file,
                   h_initial, restarts, restart_mode, restart_timeout, save_restarts, report_path, formats,
                   as_json) -> None:
    """SP 800-90B, all of it: the IID track (permutation, chi-square and LRS tests, most
    common value), the ten non-IID estimators, and the restart tests, with numbers as
    NIST's ea_iid, ea_non_iid and ea_restart compute them; one final claim.

    \b
    Examples:
      oe assess --source page_fault_timing
      oe assess --file noise.bin --bits 4 --json
      oe assess --file noise.bin --restart restarts.bin --report dossier --format html
      oe assess --restart restarts.bin --bits 8 --h-initial 2.99
      oe assess --restart sessions/restarts-clock_jitter-20261130-231500 --h-initial 2.99
      oe assess --source clock_jitter --restarts 1000 --save-restarts restarts.bin
    """
    from . import activity

    if restarts is not None:
        if source is None or restart_file:
            raise click.UsageError("--restarts collects restart data from --source (and replaces --restart FILE)")
        restart_file = _collect_to_file(source, restarts, params, save_restarts, activity, restart_mode,
                                        restart_timeout)
    if restart_file and source is None and file is None:
        if h_initial is None:
            raise click.UsageError("--restart alone needs --h-initial H (the initial entropy estimate)")
        restart = _restart(restart_file, bits, h_initial)
        _emit_restart(restart, as_json)
        return
    activity.report(f"assess: reading {file}" if file else f"assess: collecting {samples:,} samples from {source}")
    data, label, truncated = load_symbols(source, file, samples, params, max_bytes)
    if len(data) < MIN_SAMPLES:
        raise click.UsageError(f"{label}: {len(data)} samples; the estimators need at least {MIN_SAMPLES}")
    symbols = data & ((1 << bits) - 1)
    started = time.perf_counter()
    dossier, non_iid_result = _assess(symbols, label, bits, truncated, non_iid, seed, shuffles, restart_file,
                                      h_initial, activity)
    seconds = time.perf_counter() - started
    if report_path:
        for path in _write(dossier, report_path, formats or ("markdown", "json")):
            activity.report(f"assess: wrote {path}")
    if as_json:
        click.echo(json.dumps(_legacy(dossier, non_iid_result, seconds, max_bytes if file else None), indent=2))
        return
    _print(dossier, non_iid_result, seconds, truncated, max_bytes)


def _collect_to_file(source, restarts, params, save_path, activity, mode, timeout_s) -> str:
    import tempfile

    from openentropy.engine.restarts import restart_matrix

    from .params import parse_params

    matrix = restart_matrix(source, restarts, parse_params(params), mode=mode, timeout_s=timeout_s,
                            progress=activity.report)
    if save_path is None:
        handle = tempfile.NamedTemporaryFile(prefix="oe-restarts-", suffix=".bin", delete=False)
        save_path = handle.name
        handle.close()
    try:
        with open(save_path, "wb") as handle:
            handle.write(matrix.tobytes())
    except OSError as error:
        raise click.BadParameter(f"cannot write {save_path}: {error.strerror}", param_hint="--save-restarts") from None
    return save_path


def _read_restart(path: str):
    """The restart data, flat, restart after restart: a session folder's matrix, or at
    most 1,000,001 bytes of a file (one more than a matrix, so a longer file is refused)."""
    import os

    import numpy as np

    if os.path.isdir(path):
        from openentropy.engine.recorded_session import SessionError, load_session

        try:
            matrix = load_session(path).restarts()
        except SessionError as error:
            raise click.BadParameter(str(error), param_hint="--restart") from None
        if matrix.shape != (RESTARTS, RESTART_SAMPLES):
            raise click.BadParameter(f"{path} holds {matrix.shape[0]:,} restarts x {matrix.shape[1]:,} samples; "
                                     f"the restart test needs {RESTARTS:,} x {RESTART_SAMPLES:,}",
                                     param_hint="--restart")
        return matrix.ravel()
    try:
        with open(path, "rb") as handle:
            return np.frombuffer(handle.read(1_000_001), dtype=np.uint8)
    except OSError as error:
        raise click.BadParameter(f"cannot read {path}: {error.strerror}", param_hint="--restart") from None


def _restart(path: str, bits: int, h_initial: float, iid: bool = False, seed=None, shuffles: int = 10_000):
    from openentropy.pipelines.estimators import restart_test

    data = _read_restart(path)
    try:
        return restart_test(data & ((1 << bits) - 1), bits, h_initial, iid=iid, seed=seed, shuffles=shuffles)
    except ValueError as error:
        raise click.BadParameter(f"{path}: {error}", param_hint="--restart") from None


def _assess(symbols, label, bits, truncated, non_iid, seed, shuffles, restart_file, h_initial, activity):
    from openentropy.pipelines.estimators import assess, assess_iid
    from openentropy.pipelines.estimators.dossier import build_dossier

    activity.report(f"assess: the IID track on {len(symbols):,} samples of {label}")
    iid = assess_iid(symbols, bits, seed=seed, shuffles=shuffles)
    non_iid_result = None
    if non_iid or not iid.iid:
        activity.report(f"assess: the ten non-IID estimators on {len(symbols):,} samples of {label}")
        non_iid_result = assess(symbols, bits)
    restart = None
    if restart_file:
        dossier = build_dossier(symbols.tobytes(), label, bits, iid, non_iid_result, truncated=truncated,
                                shuffles=shuffles)
        h = dossier["claim"]["min_entropy"] if h_initial is None else h_initial
        activity.report(f"assess: the restart tests on {restart_file} with H_I = {h:.6f}")
        restart = _restart(restart_file, bits, min(h, float(bits)), iid=dossier["claim"]["track"] == "iid",
                           seed=seed, shuffles=shuffles)
    return build_dossier(symbols.tobytes(), label, bits, iid, non_iid_result, restart, truncated=truncated,
                         shuffles=shuffles), non_iid_result


def _write(dossier: dict, base: str, formats) -> list[str]:
    from openentropy.pipelines.estimators.dossier import to_html, to_markdown

    render = {"markdown": to_markdown, "html": to_html, "json": lambda d: json.dumps(d, indent=2) + "\n"}
    written = []
    for fmt in dict.fromkeys(formats):
        path = base + _SUFFIX[fmt]
        try:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(render[fmt](dossier))
        except OSError as error:
            raise click.BadParameter(f"cannot write {path}: {error.strerror}", param_hint="--report") from None
        written.append(path)
    return written


def _legacy(dossier: dict, non_iid_result, seconds: float, max_bytes) -> dict:
    """The dossier plus the flat keys `oe assess --json` has always had."""
    from openentropy.pipelines.estimators import ESTIMATOR_NAMES

    inp = dossier["input"]
    flat = {
        "input": inp["label"], "samples": inp["samples"], "bits_per_symbol": inp["bits_per_symbol"],
        "min_entropy": dossier["claim"]["min_entropy"], "seconds": seconds,
        "truncated": inp["truncated"], "max_bytes": max_bytes, "sha256": inp["sha256"],
    }
    if non_iid_result is not None:
        flat["estimators"] = {name: dict(zip(("h_original", "h_bitstring"), non_iid_result.h(name)))
                              for name in ESTIMATOR_NAMES}
        flat["h_original"], flat["h_bitstring"] = non_iid_result.h_original, non_iid_result.h_bitstring
    return {**flat, "dossier": dossier}


def _emit_restart(restart, as_json: bool) -> None:
    from .console import stdout_console

    if as_json:
        click.echo(json.dumps({"restart": restart.as_dict(), "min_entropy": restart.min_entropy}, indent=2))
        return
    console = stdout_console()
    verdict = "passed" if restart.sanity_passed else "FAILED"
    console.print(f"restart sanity check: X_max {restart.x_max} vs cutoff {restart.x_cutoff} "
                  f"(alpha {restart.alpha:.6g}): {verdict}", markup=False)
    if restart.validation_passed is not None:
        console.print(f"validation: H_r {restart.h_r:.6f}, H_c {restart.h_c:.6f}, H_I {restart.h_initial:.6f}: "
                      f"{'passed' if restart.validation_passed else 'FAILED'}", markup=False)
    console.print(f"min(H_r, H_c, H_I) = {restart.min_entropy:.6f}", markup=False)


def _print(dossier: dict, non_iid_result, seconds: float, truncated: bool, max_bytes: int) -> None:
    from rich.table import Table

    from openentropy.pipelines.estimators import ESTIMATOR_NAMES

    from .console import stdout_console

    inp, iid, claim = dossier["input"], dossier["iid"], dossier["claim"]
    label, bits = inp["label"], inp["bits_per_symbol"]
    console = stdout_console()
    if truncated:
        console.print(f"{label} is longer than --max-bytes: only the first {max_bytes:,} bytes were assessed",
                      soft_wrap=True, markup=False)
    console.print(f"SP 800-90B assessment of {label}: {inp['samples']:,} samples, {bits} bits each, "
                  f"SHA-256 {inp['sha256']}", soft_wrap=True, markup=False)
    fmt = lambda v: "-" if v is None else f"{v:.6f}"  # noqa: E731
    if iid["chi_square"]:
        tests = [f"chi-square {n}: p = {c['p_value']:.4g} {'pass' if c['passed'] else 'FAIL'}"
                 for n, c in iid["chi_square"].items()]
        lrs, perm = iid["lrs_test"], iid["permutation"]
        tests.append(f"LRS: W = {lrs['w']}, Pr(X >= 1) = {lrs['probability']:.4g} {'pass' if lrs['passed'] else 'FAIL'}")
        tests.append(f"permutation: {perm['shuffles']:,} shuffles, seed {perm['seed']}: "
                     + ("pass" if perm["passed"] else "FAIL (" + ", ".join(perm["failed"]) + ")"))
        console.print(f"IID track: {'IID' if iid['passed'] else 'not IID'}; " + "; ".join(tests) + "; "
                      f"MCV min-entropy {fmt(iid['min_entropy'])}", soft_wrap=True, markup=False)
    if non_iid_result is not None:
        table = Table(title="non-IID track (SP 800-90B 6.3)", title_justify="left")
        for column in ("estimator", "H original (bits/symbol)", "H bitstring (bits/bit)"):
            table.add_column(column, justify="left" if column == "estimator" else "right")
        for name in ESTIMATOR_NAMES:
            table.add_row(name, *(fmt(v) for v in non_iid_result.h(name)))
        console.print(table)
        bitstring = "-" if non_iid_result.h_bitstring is None else f"{bits} x {non_iid_result.h_bitstring:.6f}"
        console.print(f"non-IID min-entropy = min(H_original {non_iid_result.h_original:.6f}, {bitstring}) = "
                      f"{non_iid_result.min_entropy:.6f}", markup=False)
    if dossier["restart"]:
        r = dossier["restart"]
        console.print(f"restart: X_max {r['x_max']} vs cutoff {r['x_cutoff']}; H_r {fmt(r['h_r'])}, H_c {fmt(r['h_c'])}; "
                      f"{'passed' if r['sanity_passed'] and r['validation_passed'] else 'FAILED'}", markup=False)
    console.print(f"min-entropy = [bold]{claim['min_entropy']:.6f}[/] bits per {bits}-bit sample "
                  f"({claim['track']} track; {seconds:.2f} s)")
