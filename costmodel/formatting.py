"""Text, Markdown and HTML renderings of a :class:`~costmodel.reports.Report` (display only).

Every user string (a table's title and names, a rule set's name, a profile's name) is escaped
for the format it goes into: :func:`markdown_text` for Markdown, :func:`html.escape` for HTML,
:func:`latex_text` for LaTeX, :func:`safe_cell` for CSV.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from costmodel.published import Comparison
    from costmodel.reports import Report

_QUANTITY = {"mult_adds": "Mult-Adds", "params": "Parameters",
             "params_with_bn": "Params+BN"}


def title(r: Report) -> str:
    """One line naming the configuration."""
    variant = f", variant {r.variant}" if len(r.network.variants) > 1 else ""
    depth = f", depth {r.depth:g}" if r.network.depth_scaling else ""
    return (
        f"{r.network.title} ({r.rules} rules, {r.classes} classes){variant}: α = {r.alpha:g}"
        f"{depth}, input {r.resolution}×{r.resolution} (ρ = {r.rho:.4g})"
    )


def _published_line(c: Comparison) -> str:
    line = (
        f"{_QUANTITY[c.quantity]:<10} {c.source:<38} printed {c.printed_text:>8}   "
        f"exact {c.exact:>10.4f} M   {c.status}"
    )
    return f"{line}: {c.reason}" if c.reason else line


def _times(ratio: float) -> str:
    """``0.12`` → "8.14× fewer", ``1.17`` → "1.17× more"."""
    return f"{1 / ratio:.2f}× fewer" if ratio <= 1 else f"{ratio:.2f}× more"


def _measured_line(r: Report) -> str:
    parts = [f"{m.top1:g}% ({m.source})" for m in r.measured if m.top1 is not None]
    return "Measured ImageNet top-1: " + "; ".join(parts)


def _accuracy_line(r: Report) -> str:
    a = r.accuracy
    assert a is not None
    line = (
        f"Predicted ImageNet top-1: {a.top1:.1f}% (interval {a.low:.1f}-{a.high:.1f}; "
        f"nearest checkpoint {a.nearest.alpha:g}-{a.nearest.resolution}: {a.nearest.top1:g}%)"
    )
    return line + ", EXTRAPOLATED beyond the measured α/resolution range" if a.extrapolated \
        else line


def report_text(r: Report) -> str:
    """A readable multi-line summary for ``print(report)``."""
    cf = r.closed_form
    lines = [
        title(r),
        *([f"  {r.width_rule}"] if r.width_rule else []),
        f"  Mult-Adds   {r.mult_adds:>15,}   ({r.mult_adds_m:,.2f} M)",
        f"  Parameters  {r.params:>15,}   ({r.params_m:,.3f} M; with batchnorm γβ "
        f"{r.params_with_bn:,})",
        f"  Standard-conv equivalent: {r.standard_mult_adds:,} Mult-Adds, "
        f"{r.standard_params:,} params",
        f"  Against it: {r.saving_ratio:.4f} of the Mult-Adds ({_times(r.saving_ratio)}), "
        f"{r.params_saving_ratio:.4f} of the params",
        f"  Closed form (continuous α, ρ): {cf.mult_adds / 1e6:,.2f} M Mult-Adds, "
        f"{cf.params / 1e6:,.3f} M params",
    ]
    if r.measured:
        lines.append(f"  {_measured_line(r)}")
    if r.accuracy is not None:
        lines.append(f"  {_accuracy_line(r)}")
    memory = r.memory("float32")
    lines.append(f"  Memory (float32): weights {memory.weights_bytes / 1e6:,.2f} MB; peak "
                 f"activations {memory.peak_activation_bytes / 1e6:,.2f} MB at "
                 f"{memory.peak_layer}")
    latency = r.latency("pixel1")
    lines.append(f"  Latency estimate on pixel1: {latency.total_ms:,.1f} ms (roofline with "
                 f"per-operation overhead; within about 2×)")
    extras = ", ".join(f"{k} {v:,}" for k, v in r.elementwise.items() if v)
    if extras:
        lines.append(f"  Element-wise work, not in the Mult-Adds: {extras}")
    if r.published:
        lines.append("  Published figures for this configuration:")
        lines += [f"    {_published_line(c)}" for c in r.published]
    lines += [f"  Note: {note}" for note in r.notes]
    lines.append(f"  Counting: {r.convention}")
    return "\n".join(lines)


def report_markdown(r: Report) -> str:
    """The summary as Markdown (notebooks' ``_repr_markdown_``)."""
    cf = r.closed_form
    lines = [
        f"**{markdown_text(title(r))}**",
        "",
        *([markdown_text(r.width_rule), ""] if r.width_rule else []),
        "| quantity | exact | millions | standard-conv equivalent | closed form (M) |",
        "|---|---:|---:|---:|---:|",
        f"| Mult-Adds | {r.mult_adds:,} | {r.mult_adds_m:,.2f} | {r.standard_mult_adds:,} | "
        f"{cf.mult_adds / 1e6:,.2f} |",
        f"| Parameters | {r.params:,} | {r.params_m:,.3f} | {r.standard_params:,} | "
        f"{cf.params / 1e6:,.3f} |",
        f"| Parameters with batchnorm γβ | {r.params_with_bn:,} | "
        f"{r.params_with_bn / 1e6:,.3f} | | |",
        "",
        f"Against standard convolutions: {r.saving_ratio:.4f} of the Mult-Adds "
        f"({_times(r.saving_ratio)}).",
    ]
    if r.measured:
        lines += ["", _measured_line(r) + "."]
    if r.accuracy is not None:
        lines += ["", _accuracy_line(r) + "."]
    if r.published:
        lines += [
            "",
            "| quantity | source | printed | exact (M) | status | reason |",
            "|---|---|---:|---:|---|---|",
        ]
        lines += [
            f"| {_QUANTITY[c.quantity]} | {c.source} | {c.printed_text} | {c.exact:.4f} | "
            f"{c.status} | {c.reason} |"
            for c in r.published
        ]
    lines += ["", *[f"> {note}" for note in r.notes]] if r.notes else []
    lines += ["", f"*Counting:* {r.convention}"]
    return "\n".join(lines)


def report_html(r: Report) -> str:
    """The summary as a small HTML fragment (notebooks' ``_repr_html_``)."""
    cf = r.closed_form
    rows = [
        ("Mult-Adds", f"{r.mult_adds:,}", f"{r.mult_adds_m:,.2f} M",
         f"{r.standard_mult_adds:,}", f"{cf.mult_adds / 1e6:,.2f} M"),
        ("Parameters", f"{r.params:,}", f"{r.params_m:,.3f} M",
         f"{r.standard_params:,}", f"{cf.params / 1e6:,.3f} M"),
    ]
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    published = "".join(
        f"<tr><td>{_QUANTITY[c.quantity]}</td><td>{html.escape(c.source)}</td>"
        f"<td>{html.escape(c.printed_text)}</td><td>{c.exact:.4f}</td>"
        f"<td>{html.escape(c.status)}</td>"
        f"<td>{html.escape(c.reason)}</td></tr>"
        for c in r.published
    )
    parts = [
        f"<p><b>{html.escape(title(r))}</b></p>",
        *([f"<p>{html.escape(r.width_rule)}</p>"] if r.width_rule else []),
        "<table><tr><th>quantity</th><th>exact</th><th>millions</th>"
        "<th>standard-conv equivalent</th><th>closed form</th></tr>",
        body,
        "</table>",
    ]
    if published:
        parts += [
            "<table><tr><th>quantity</th><th>source</th><th>printed</th><th>exact (M)</th>"
            "<th>status</th><th>reason</th></tr>",
            published,
            "</table>",
        ]
    if r.measured:
        parts.append(f"<p>{html.escape(_measured_line(r))}</p>")
    if r.accuracy is not None:
        parts.append(f"<p>{html.escape(_accuracy_line(r))}</p>")
    parts += [f"<p>{html.escape(note)}</p>" for note in r.notes]
    parts.append(f"<p><i>Counting:</i> {html.escape(r.convention)}</p>")
    return "".join(parts)


_LATEX_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
                  "}": r"\}", "~": r"\textasciitilde{}", "^": r"\^{}", "\\": r"\textbackslash{}"}


def latex_text(value: object) -> str:
    """Text for LaTeX (a caption, a cell, ``\\text{...}``): its special characters escaped."""
    return "".join(_LATEX_SPECIAL.get(c, c) for c in str(value))


def _latex_cell(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}".replace(",", "{,}")
    if isinstance(value, float):
        return f"{value:.6g}"
    return latex_text(value)


def frame_to_latex(frame: pd.DataFrame, caption: str = "") -> str:
    """A DataFrame as a LaTeX ``tabular`` (booktabs rules), integers with grouped digits."""
    columns = list(frame.columns)
    align = "".join("r" if frame[c].dtype.kind in "iuf" else "l" for c in columns)
    lines = [r"\begin{table}[ht]", r"\centering"]
    if caption:
        lines.append(rf"\caption{{{_latex_cell(caption)}}}")
    lines += [rf"\begin{{tabular}}{{{align}}}", r"\toprule",
              " & ".join(_latex_cell(c) for c in columns) + r" \\", r"\midrule"]
    for row in frame.itertuples(index=False):
        cells = [v.item() if hasattr(v, "item") else v for v in row]
        lines.append(" & ".join(_latex_cell(v) for v in cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    return "\n".join(lines)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula (starting with ``=``, ``+``,
    ``-``, ``@``, tab or CR) gets a leading apostrophe, as spreadsheet exports do; numbers and
    other text are unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def frame_to_csv(frame: pd.DataFrame) -> str:
    """A DataFrame as CSV text, with formula-like text cells neutralised (:func:`safe_cell`)."""
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    safe = frame.copy()
    for column in safe.columns:  # text columns, whether object or pandas' string dtype
        if not is_numeric_dtype(safe[column]) or is_bool_dtype(safe[column]):
            safe[column] = safe[column].astype(object).map(safe_cell)
    return str(safe.to_csv(index=False)).rstrip("\n")


def markdown_cell(value: object) -> str:
    """A value written by the package as a Markdown table cell (it may hold Markdown, e.g.
    `code`): ``|`` escaped, line breaks as spaces. User text takes :func:`markdown_text`."""
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


_MARKDOWN_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;", "\n": " ", "\r": " "}
_MARKDOWN_PUNCTUATION = frozenset("\\`*_[]|~")


def markdown_text(value: object) -> str:
    """User text as literal Markdown (inline, or a table cell): HTML's ``<``, ``>`` and ``&``
    as entities and the characters that start emphasis, code, links or a cell
    (``\\ ` * _ [ ] | ~``) backslash-escaped, so ``<img onerror=...>`` and
    ``[x](javascript:...)`` show as written and do nothing."""
    out = []
    for c in str(value):
        if c in _MARKDOWN_ENTITIES:
            out.append(_MARKDOWN_ENTITIES[c])
        elif c in _MARKDOWN_PUNCTUATION:
            out.append("\\" + c)
        else:
            out.append(c)
    return "".join(out)


def frame_to_markdown(frame: pd.DataFrame) -> str:
    """A DataFrame as a Markdown table (its column names as they are, its text cells
    escaped as user text: layer names come from the user's table)."""
    header = "| " + " | ".join(markdown_cell(c) for c in frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    rows = ["| " + " | ".join(markdown_text(v) if isinstance(v, str) else markdown_cell(v)
                              for v in row) + " |"
            for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


__all__ = ["frame_to_csv", "frame_to_latex", "frame_to_markdown", "latex_text", "markdown_cell",
           "markdown_text", "report_html", "report_markdown", "report_text", "safe_cell",
           "title"]
