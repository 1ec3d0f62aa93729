"""Escaping and table renderings for every output format (display only); a report's own
renderings (``str(report)``, Markdown, HTML) are in :mod:`costmodel.reports` and use these.

Every user string (a table's title and names, a rule set's name, a profile's name) is escaped
for the format it goes into: :func:`markdown_text` for Markdown, :func:`html.escape` for HTML,
:func:`latex_text` for LaTeX, :func:`safe_cell` for CSV.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

_LATEX_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
                  "}": r"\}", "~": r"\textasciitilde{}", "^": r"\^{}", "\\": r"\textbackslash{}"}


def times_fewer_or_more(ratio: float, noun: str, other: str) -> str:
    """A cost against another's (``ratio`` = cost / other cost) in words, the factor the right
    way round: ``0.1168`` gives "8.56× fewer {noun} than {other}", ``1.1679`` "1.17× more ...";
    a factor that two decimals would print as 1.00 gets as many more as it needs, up to six
    ("1.002× more"); a ratio of exactly 1 is "as many {noun} as {other}", and one within
    5·10⁻⁷ of it "about as many"."""
    if ratio == 1:
        return f"as many {noun} as {other}"
    factor, word = (1 / ratio, "fewer") if ratio < 1 else (ratio, "more")
    for digits in range(2, 7):
        printed = f"{factor:.{digits}f}"
        if printed != f"1.{'0' * digits}":
            return f"{printed}× {word} {noun} than {other}"
    return f"about as many {noun} as {other}"


def approx_ms(milliseconds: float) -> str:
    """An estimate in milliseconds to two significant figures (``≈ 130 ms``, ``≈ 19 ms``,
    ``≈ 1.3 ms``): the latency model is good to about ten per cent, not to 0.1 ms."""
    if not math.isfinite(milliseconds) or milliseconds <= 0:
        return "–"
    digits = 1 - math.floor(math.log10(milliseconds))
    rounded = round(milliseconds, digits)
    return f"≈ {rounded:,.{max(digits, 0)}f} ms"


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
_MARKDOWN_PUNCTUATION = frozenset("\\`*_[]|~$")


def markdown_text(value: object) -> str:
    """User text as literal Markdown (inline, or a table cell): HTML's ``<``, ``>`` and ``&``
    as entities and the characters that start emphasis, code, links, a cell or a formula
    (``\\ ` * _ [ ] | ~ $``) backslash-escaped, so ``<img onerror=...>``,
    ``[x](javascript:...)`` and ``$x$`` (which Streamlit's Markdown typesets) show as written
    and do nothing."""
    out = []
    for c in str(value):
        if c in _MARKDOWN_ENTITIES:
            out.append(_MARKDOWN_ENTITIES[c])
        elif c in _MARKDOWN_PUNCTUATION:
            out.append("\\" + c)
        else:
            out.append(c)
    return "".join(out)


def markdown_code(lines: tuple[str, ...] | list[str], language: str = "python") -> str:
    """``lines`` as a fenced code block of Markdown text, shown as written: the fence is one
    backtick longer than the longest run of backticks in them (CommonMark, section 4.5), so
    no line can close it (a tensor's name may come from an uploaded table)."""
    text = "\n".join(lines)
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall("`+", text)), default=0))
    return f"{fence}{language}\n{text}\n{fence}"


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
           "markdown_code", "markdown_text", "safe_cell", "times_fewer_or_more"]
