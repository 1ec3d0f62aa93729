"""The ``costmodel`` command line: a thin shell over the library.

Exit codes: 0 success; 2 bad input (one line on stderr naming the field and the accepted
range); 1 an output file that cannot be written or a figure exporter that is not available.
Numbers are parsed with ``float``/``int`` only; nothing typed is ever evaluated.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from costmodel.architecture import Architecture

FORMATS = ("text", "markdown", "csv", "json", "latex")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        print(f"costmodel: error: {message} (see --help)", file=sys.stderr)
        raise SystemExit(2)


class _OutputError(Exception):
    """An output that cannot be produced (exit code 1)."""


def _number(text: str) -> float | str:
    """A float where the text is one, else the text itself, for the library to reject with
    its own message naming the field and the range."""
    try:
        return float(text)
    except ValueError:
        return text


def _integer(text: str) -> int | str:
    try:
        return int(text)
    except ValueError:
        return text


def _values(field: str, text: str, cast: type) -> list[Any]:
    """``a,b,c`` or ``start:stop:step`` (stop included) into numbers."""
    try:
        if ":" in text:
            start, stop, step = (cast(part) for part in text.split(":"))
            if step <= 0:
                raise ValueError
            count = round((stop - start) / step) + 1
            if count < 1 or count > 10**7:
                raise ValueError
            return [start + i * step for i in range(count)]
        return [cast(part) for part in text.split(",") if part.strip()]
    except ValueError:
        kind = "integers" if cast is int else "numbers"
        raise ValueError(
            f"{field} must be {kind} as a,b,c or start:stop:step (step > 0); got {text!r}"
        ) from None


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="costmodel",
        description="Exact Mult-Adds (multiply-accumulates) and parameters of MobileNet v1 "
                    "(Howard et al. 2017) or of your own layer table.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def network(p: argparse.ArgumentParser) -> None:
        p.add_argument("--variant", default="separable",
                       help="separable (Table 1), full (Table 4) or shallow (Table 5)")
        p.add_argument("--arch", metavar="FILE", help="your own layer table (CSV; see README)")
        p.add_argument("--image-size", type=_integer, default=None, metavar="PX",
                       help="reference input size of --arch (default: its first input_size, "
                            "else 224)")

    def configuration(p: argparse.ArgumentParser) -> None:
        p.add_argument("--alpha", type=_number, default=1.0,
                       help="width multiplier α in (0, 4] (default 1)")
        p.add_argument("--rho", type=_number, default=None,
                       help="resolution multiplier ρ; input = round(224·ρ) (default 1)")
        p.add_argument("--resolution", type=_integer, default=None,
                       help="input size in pixels, instead of --rho")
        network(p)

    def output(p: argparse.ArgumentParser, default: str) -> None:
        p.add_argument("--format", choices=FORMATS, default=default)
        p.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")

    p = sub.add_parser("report", help="totals, savings, the paper's print, predicted top-1")
    configuration(p)
    output(p, "text")
    p = sub.add_parser("layers", help="the per-layer table")
    configuration(p)
    output(p, "csv")
    p = sub.add_parser("sweep", help="exact counts over an α × resolution grid")
    p.add_argument("--alphas", required=True, help="e.g. 0.25,0.5,1 or 0.25:1:0.05")
    p.add_argument("--resolutions", required=True, help="e.g. 128,160,224 or 96:224:8")
    network(p)
    output(p, "csv")
    p = sub.add_parser("frontier", help="best predicted top-1 within a budget")
    p.add_argument("--max-mult-adds", type=_number, default=None,
                   help="Mult-Adds budget, a count (e.g. 150e6)")
    p.add_argument("--max-params", type=_number, default=None,
                   help="parameter budget, a count (e.g. 2e6)")
    p.add_argument("--all", action="store_true", help="every fitting configuration, not only "
                                                     "the Pareto frontier")
    output(p, "text")
    p = sub.add_parser("formulas", help="the formulas of the paper's section 3")
    p.add_argument("--latex", action="store_true", help="LaTeX instead of plain text")
    p = sub.add_parser("derive", help="step-by-step derivation of one layer's cost")
    p.add_argument("layer", help="layer name: conv1, dw1, pw1, ..., dw13, pw13, pool, fc")
    p.add_argument("--latex", action="store_true", help="LaTeX instead of plain text")
    configuration(p)
    p = sub.add_parser("plot", help="a figure as HTML, PNG or SVG (PNG/SVG need kaleido)")
    p.add_argument("figure", choices=("accuracy", "layers", "plane"))
    p.add_argument("--out", metavar="FILE", required=True, help="FILE.html, FILE.png or .svg")
    configuration(p)
    return parser


def _architecture(args: argparse.Namespace) -> Architecture | None:
    if getattr(args, "arch", None) is None:
        return None
    from costmodel.layer_tables import load_architecture

    return load_architecture(args.arch, image_size=args.image_size)


def _report(args: argparse.Namespace) -> Any:  # noqa: ANN401 -- a Report, imported lazily
    import costmodel

    return costmodel.report(args.alpha, args.rho, resolution=args.resolution,
                            variant=args.variant, architecture=_architecture(args))


def _table(frame: Any, fmt: str, caption: str = "") -> str:  # noqa: ANN401 -- a DataFrame
    from costmodel.formatting import frame_to_latex

    if fmt == "json":
        return str(frame.to_json(orient="records", indent=2, force_ascii=False))
    if fmt == "latex":
        return frame_to_latex(frame, caption)
    if fmt == "markdown":
        header = "| " + " | ".join(map(str, frame.columns)) + " |"
        rule = "|" + "---|" * len(frame.columns)
        rows = ["| " + " | ".join(str(v) for v in row) + " |"
                for row in frame.itertuples(index=False)]
        return "\n".join([header, rule, *rows])
    if fmt == "text":
        return str(frame.to_string(index=False))
    return str(frame.to_csv(index=False)).rstrip("\n")


def _run(args: argparse.Namespace) -> str:
    import costmodel

    if args.command == "report":
        r = _report(args)
        if args.format == "json":
            return json.dumps(r.to_dict(), indent=2, ensure_ascii=False)
        if args.format == "markdown":
            return str(r.to_markdown())
        if args.format == "latex":
            return str(r.to_latex())
        if args.format == "csv":
            return str(r.to_frame().to_csv(index=False)).rstrip("\n")
        return str(r)
    if args.command == "layers":
        r = _report(args)
        return _table(r.layers, args.format, f"Per layer: {r.architecture.name}")
    if args.command == "sweep":
        s = costmodel.sweep(_values("alphas", args.alphas, float),
                            _values("resolutions", args.resolutions, int),
                            variant=args.variant, architecture=_architecture(args))
        return _table(s.to_frame(), args.format)
    if args.command == "frontier":
        f = costmodel.frontier(max_mult_adds=args.max_mult_adds, max_params=args.max_params)
        message = f.attrs["message"]
        if f.empty:
            print(message, file=sys.stderr)
            return _table(f, args.format) if args.format != "text" else ""
        chosen = f if args.all else f[f["on_frontier"]]
        body = _table(chosen, args.format)
        return f"{message}\n{body}" if args.format == "text" else body
    if args.command == "formulas":
        return "\n".join(f"{f.title} ({f.equation}): {f.latex if args.latex else f.text}"
                         for f in costmodel.formula_catalog())
    if args.command == "derive":
        d = costmodel.derive(args.layer, args.alpha, args.rho, resolution=args.resolution,
                             variant=args.variant, architecture=_architecture(args))
        if args.latex:
            return "\n".join(rf"\text{{{s.title}: }} {s.latex} \\" for s in d.steps)
        return str(d)
    return _plot(args)


def _plot(args: argparse.Namespace) -> str:
    from costmodel import plots

    r = _report(args)
    builders = {"accuracy": plots.cost_accuracy_figure, "layers": plots.layers_figure,
                "plane": plots.plane_figure}
    figure = builders[args.figure](r)
    out: str = args.out
    if out.lower().endswith(".html"):
        with open(out, "w", encoding="utf-8") as handle:
            handle.write(plots.figures_html([figure], title=f"costmodel {args.figure}"))
        return f"wrote {out}"
    if not out.lower().endswith((".png", ".svg")):
        raise ValueError(f"--out must end in .html, .png or .svg; got {out!r}")
    try:
        figure.write_image(out)
    except Exception as error:  # plotly raises several types when no exporter works
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise _OutputError(
            f"static export failed ({reason}); "
            f"it needs kaleido (pip install 'costmodel[export]') and a Chrome or Chromium; "
            f"--out FILE.html always works"
        ) from None
    return f"wrote {out}"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``costmodel`` console script; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        output = _run(args)
        out = getattr(args, "out", None)
        if out and args.command != "plot":
            with open(out, "w", encoding="utf-8") as handle:
                handle.write(output + "\n")
        elif output:
            print(output)
    except ValueError as error:
        print(f"costmodel: error: {error}", file=sys.stderr)
        return 2
    except (_OutputError, OSError) as error:
        print(f"costmodel: error: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # pragma: no cover - `costmodel ... | head`
        return 0
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
