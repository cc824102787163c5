"""One SP 800-90B report: the final entropy claim and every figure it came from.

``build_dossier`` gathers the IID track (``IidAssessment``), the non-IID track
(``Assessment``, when it ran) and the restart test (``RestartResult``, when restart data
were given) into one JSON-able dict; ``to_markdown`` renders it. The dict's shape:

    tool:     {name, version, seed, shuffles}
    input:    {label, sha256, samples, bits_per_symbol, truncated}
    iid:      {passed, most_common_value{literal, bitstring}, h_original, h_bitstring,
               min_entropy, chi_square{independence, goodness_of_fit}, lrs_test,
               permutation{passed, shuffles, seed, failed, statistics, counters}}
    non_iid:  {estimators{name: {h_original, h_bitstring}}, h_original, h_bitstring,
               min_entropy} or None
    restart:  {...RestartResult.as_dict()} or None
    claim:    {min_entropy, track, reason}

The claim follows SP 800-90B: section 3.1.3 / 6.1 (IID: the most common value estimate)
when the IID tests all pass, else section 6.3 (the non-IID estimators); with restart data,
min(claim, H_r, H_c) when the restart validation passes (3.1.4.3), and 0 when it fails
(3.1.4.2: a failed sanity check or validation means the source is rejected). Nothing
here computes an estimate or credits entropy: it only states what the tracks found.
"""

from __future__ import annotations

import hashlib

from openentropy._version import __version__

from .assessment import ESTIMATOR_NAMES
from .iid_statistics import STATISTIC_NAMES


def _estimate(e) -> dict | None:
    if e is None:
        return None
    return {"h": e.h, **{k: v for k, v in e.details.items() if k != "messages"}}


def _iid(result) -> dict:
    chi = {c.name: {"t": c.t, "df": c.df, "p_value": c.p_value, "passed": c.passed} for c in result.chi_square}
    lrs = result.lrs
    perm = result.permutation
    return {
        "passed": result.iid,
        "alphabet_size": result.alphabet_size,
        "most_common_value": {"literal": _estimate(result.literal), "bitstring": _estimate(result.bitstring)},
        "h_original": result.h_original, "h_bitstring": result.h_bitstring, "min_entropy": result.min_entropy,
        "chi_square": chi,
        "lrs_test": None if lrs is None else {"p_col": lrs.p_col, "w": lrs.w, "probability": lrs.probability,
                                              "passed": lrs.passed},
        "permutation": None if perm is None else {
            "passed": perm.passed, "shuffles": perm.shuffles, "seed": perm.seed, "failed": list(perm.failed),
            "statistics": dict(perm.statistics), "counters": {k: list(v) for k, v in perm.counters.items()},
        },
    }


def _non_iid(result) -> dict | None:
    if result is None:
        return None
    return {
        "estimators": {name: dict(zip(("h_original", "h_bitstring"), result.h(name))) for name in ESTIMATOR_NAMES},
        "h_original": result.h_original, "h_bitstring": result.h_bitstring, "min_entropy": result.min_entropy,
    }


def _claim(iid, non_iid, restart) -> dict:
    if iid.iid:
        value, track = iid.min_entropy, "iid"
        reason = "the IID tests passed (SP 800-90B 5.1, 5.2): the most common value estimate (6.3.1)"
    elif non_iid is not None:
        value, track = non_iid.min_entropy, "non-iid"
        reason = "the IID tests rejected the data: the minimum of the non-IID estimators (6.3)"
    else:
        value, track = 0.0, "none"
        reason = "the IID tests rejected the data and the non-IID track did not run: no claim"
    if restart is not None:
        if not restart.passed:
            return {"min_entropy": 0.0, "track": track,
                    "reason": reason + "; the restart test failed (3.1.4): the source is rejected"}
        value = min(value, restart.h_r, restart.h_c)
        reason += "; capped by the restart validation, min(H_r, H_c) (3.1.4.3)"
    return {"min_entropy": value, "track": track, "reason": reason}


def build_dossier(data: bytes, label: str, bits: int, iid, non_iid=None, restart=None, *,
                  truncated: bool = False, shuffles: int | None = None) -> dict:
    """The report as a dict (see the module docstring); ``data`` are the bytes assessed."""
    perm = iid.permutation
    return {
        "tool": {"name": "openentropy", "version": __version__, "seed": perm.seed if perm else None,
                 "shuffles": shuffles},
        "input": {"label": label, "sha256": hashlib.sha256(data).hexdigest(), "samples": iid.samples,
                  "bits_per_symbol": bits, "truncated": truncated},
        "iid": _iid(iid),
        "non_iid": _non_iid(non_iid),
        "restart": None if restart is None else restart.as_dict(),
        "claim": _claim(iid, non_iid, restart),
    }


def _f(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.17g}"
    return str(v)


def to_markdown(d: dict) -> str:
    """The dossier as Markdown: the claim first, then every figure."""
    inp, iid, claim = d["input"], d["iid"], d["claim"]
    out = [
        f"# SP 800-90B assessment of {inp['label']}", "",
        f"**Claim: {claim['min_entropy']:.6f} bits of min-entropy per {inp['bits_per_symbol']}-bit sample** "
        f"({claim['track']} track): {claim['reason']}.", "",
        f"- Tool: {d['tool']['name']} {d['tool']['version']}; permutation seed {_f(d['tool']['seed'])}",
        f"- Input: {inp['samples']:,} samples, SHA-256 `{inp['sha256']}`" + (" (truncated)" if inp["truncated"] else ""),
        "", "## IID track (SP 800-90B section 5)", "",
        f"IID: **{'passed' if iid['passed'] else 'rejected'}**", "",
        "| figure | value |", "|---|---|",
    ]
    for pass_ in ("literal", "bitstring"):
        e = iid["most_common_value"][pass_]
        if e:
            out += [f"| MCV {pass_} {k} | {_f(v)} |" for k, v in e.items()]
    out += [f"| H_original | {_f(iid['h_original'])} |", f"| H_bitstring | {_f(iid['h_bitstring'])} |",
            f"| min-entropy (IID) | {_f(iid['min_entropy'])} |"]
    for name, c in iid["chi_square"].items():
        out.append(f"| chi-square {name} | T = {_f(c['t'])}, df = {c['df']}, p = {_f(c['p_value'])}, "
                   f"{'pass' if c['passed'] else 'FAIL'} |")
    lrs = iid["lrs_test"]
    if lrs:
        out.append(f"| LRS test | P_col = {_f(lrs['p_col'])}, W = {lrs['w']}, Pr(X >= 1) = {_f(lrs['probability'])}, "
                   f"{'pass' if lrs['passed'] else 'FAIL'} |")
    perm = iid["permutation"]
    if perm:
        out += ["", f"Permutation test: {'passed' if perm['passed'] else 'FAILED'} after {perm['shuffles']:,} "
                f"shuffles (seed {perm['seed']})", "", "| statistic | unpermuted | C[i][0] | C[i][1] | C[i][2] |",
                "|---|---|---|---|---|"]
        for name in STATISTIC_NAMES:
            c = perm["counters"][name]
            mark = " (failed)" if name in perm["failed"] else ""
            out.append(f"| {name}{mark} | {_f(perm['statistics'][name])} | {c[0]} | {c[1]} | {c[2]} |")
    if d["non_iid"]:
        n = d["non_iid"]
        out += ["", "## Non-IID track (SP 800-90B section 6.3)", "", "| estimator | H original | H bitstring |",
                "|---|---|---|"]
        out += [f"| {k} | {_f(v['h_original'])} | {_f(v['h_bitstring'])} |" for k, v in n["estimators"].items()]
        out += ["", f"min-entropy (non-IID) = {_f(n['min_entropy'])}"]
    if d["restart"]:
        out += ["", "## Restart test (SP 800-90B section 3.1.4)", ""]
        out += [f"- {k}: {_f(v)}" for k, v in d["restart"].items()]
    return "\n".join(out) + "\n"


def to_html(d: dict) -> str:
    """The Markdown report as a standalone HTML page (headings, lists, tables)."""
    import html as _html

    body, table = [], []

    def flush():
        if table:
            rows = [r for r in table if not set(r.replace("|", "").strip()) <= {"-"}]
            cells = [[_html.escape(c.strip()) for c in r.strip("|").split("|")] for r in rows]
            head = "".join(f"<th>{c}</th>" for c in cells[0])
            rest = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in cells[1:])
            body.append(f"<table><tr>{head}</tr>{rest}</table>")
            table.clear()

    for line in to_markdown(d).splitlines():
        if line.startswith("|"):
            table.append(line)
            continue
        flush()
        text = _html.escape(line).replace("**", "")
        if line.startswith("## "):
            body.append(f"<h2>{text[3:]}</h2>")
        elif line.startswith("# "):
            body.append(f"<h1>{text[2:]}</h1>")
        elif line.startswith("- "):
            body.append(f"<li>{text[2:]}</li>")
        elif line:
            body.append(f"<p>{text}</p>")
    flush()
    title = _html.escape(f"SP 800-90B assessment of {d['input']['label']}")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            + "\n".join(body) + "</body></html>\n")
