"""The ``costmodel`` command line: a thin shell over the library. Exit 2 on bad input."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="costmodel",
        description="Exact Mult-Adds and parameters of MobileNet v1 (Howard et al. 2017).",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def configuration(p: argparse.ArgumentParser) -> None:
        p.add_argument("--alpha", type=float, default=1.0, help="width multiplier α (default 1)")
        p.add_argument("--rho", type=float, default=None,
                       help="resolution multiplier ρ; input = round(224·ρ) (default 1)")
        p.add_argument("--resolution", type=int, default=None,
                       help="input size in pixels (instead of --rho)")
        p.add_argument("--variant", default="separable",
                       help="separable (Table 1), full (Table 4) or shallow (Table 5)")

    rep = sub.add_parser("report", help="totals, savings and the paper's printed figures")
    configuration(rep)
    rep.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    lay = sub.add_parser("layers", help="the per-layer table as CSV")
    configuration(lay)
    der = sub.add_parser("derive", help="step-by-step derivation of one layer's cost")
    der.add_argument("layer", help="layer name: conv1, dw1, pw1, ..., dw13, pw13, pool, fc")
    configuration(der)
    form = sub.add_parser("formulas", help="the formulas of the paper's section 3")
    form.add_argument("--latex", action="store_true", help="print LaTeX instead of plain text")
    return parser


def _run(args: argparse.Namespace) -> str:
    import costmodel

    config = {"rho": args.__dict__.get("rho"), "resolution": args.__dict__.get("resolution"),
              "variant": args.__dict__.get("variant", "separable")}
    if args.command == "report":
        r = costmodel.report(args.alpha, **config)
        if args.format == "json":
            return json.dumps(r.to_dict(), indent=2, ensure_ascii=False)
        return r._repr_markdown_() if args.format == "markdown" else str(r)
    if args.command == "layers":
        r = costmodel.report(args.alpha, **config)
        return str(r.layers.to_csv(index=False)).rstrip("\n")
    if args.command == "derive":
        return str(costmodel.derive(args.layer, args.alpha, **config))
    lines = []
    for f in costmodel.formula_catalog():
        lines.append(f"{f.title} ({f.equation}): {f.latex if args.latex else f.text}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``costmodel`` console script; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        output = _run(args)
    except ValueError as error:
        print(f"costmodel: error: {error}", file=sys.stderr)
        return 2
    print(output)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
