"""The ``costmodel`` command line: a thin shell over the library.

Exit codes: 0 success; 2 bad input (one line on stderr naming the field and the accepted
range; an unknown option is named before anything else); 1 an output that cannot be written (a
file, a full or closed standard output, the profiles folder) or a figure exporter that is not
available, also one line. Never a traceback. Numbers are read in ASCII digits only
(:mod:`costmodel.base.parsing`); nothing typed is evaluated.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, NoReturn

from costmodel.base.kinds import DEFAULT_PROFILE, LatencyKind
from costmodel.base.parsing import parse_integer, parse_real

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

    from costmodel.descriptions.network_spec import Network

FORMATS = ("text", "markdown", "csv", "json", "latex")
MAX_VALUES = 10_000_000
#: ``costmodel formulas --steps NAME``: the derivations, each ``costmodel.core.formulas.NAME_steps``
FORMULA_STEPS = ("inverted_residual", "squeeze_excite", "compound_scaling",
                 "fused_inverted_residual", "universal_inverted_bottleneck", "ghost_bottleneck",
                 "shuffle_unit", "convnext_block", "mixconv")


def _block_names() -> tuple[str, ...]:
    """The block types of data/blocks/, for ``costmodel formulas --block``."""
    from costmodel.descriptions.block_types import block_types

    return tuple(block_types())


#: Rows the sweep command writes at most (a CSV of about 50 MB).
MAX_OUTPUT_ROWS = 1_000_000
#: options that take a value, so that ``--alpha -inf`` reads -inf as its value
_VALUED = {"--alpha", "--rho", "--resolution", "--image-size", "--max-mult-adds",
           "--max-params", "--alphas", "--resolutions", "--classes", "--depth", "--network",
           "--rules", "--variant", "--arch", "--out", "--format", "--profile", "--dtype",
           "--name", "--description", "--like", "--max-gflops", "--max-gbs", "--weights",
           "--seed", "--threads", "--warmup", "--repeats", "--networks", "--save-profile",
           "--backend", "--max-latency-ms", "--stride", "--block"}


class _Parser(argparse.ArgumentParser):
    _arguments: list[str] | None = None

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None,
                         ) -> tuple[argparse.Namespace, list[str]]:
        self._arguments = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def _unknown_options(self) -> list[str]:
        """The options among the arguments this parser does not know (abbreviations of its
        own long options are known, as argparse reads them)."""
        known = [s for s in self._option_string_actions if s.startswith("--")]
        unknown = []
        for argument in self._arguments or []:
            if argument == "--":
                break
            option = argument.split("=", 1)[0]
            if not option.startswith("-") or len(option) < 2 or option in \
                    self._option_string_actions or (option[1:2].isdigit() or option[1:2] == "."):
                continue
            if option.startswith("--") and any(k.startswith(option) for k in known):
                continue
            unknown.append(option)
        return unknown

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        # argparse ignores an OSError here, so that --help into a full output said nothing
        if message:
            (file or sys.stderr).write(message)

    def error(self, message: str) -> NoReturn:
        unknown = self._unknown_options()
        if unknown and not message.startswith("unrecognized arguments"):
            # argparse checks the required arguments first; the bogus option is the news
            message = f"unrecognized arguments: {' '.join(unknown)} (and {message})"
        print(f"costmodel: error: {message} (see --help)", file=sys.stderr)
        raise SystemExit(2)


class _OutputError(Exception):
    """An output that cannot be produced (exit code 1)."""


class _StdoutError(Exception):
    """Standard output is full or closed (exit code 1)."""


def _number(field: str) -> Any:  # noqa: ANN401 -- an argparse type
    def parse(text: str) -> float:
        try:
            return parse_real(text, field)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
    return parse


def _integer(field: str) -> Any:  # noqa: ANN401 -- an argparse type
    def parse(text: str) -> int:
        try:
            return parse_integer(text, field)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
    return parse


def _values(field: str, text: str, integers: bool) -> list[Any]:
    """``a,b,c`` or ``start:stop:step`` (the stop included when a whole number of steps
    reaches it; computed in decimal, so 0.25:1:0.05 gives exactly 0.25, 0.3, ..., 1)."""
    kind = "integers" if integers else "numbers"
    message = f"{field} must be {kind} as a,b,c or start:stop:step (step > 0)"
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise ValueError(f"{message}; got {text!r}")
        for part in parts:
            (parse_integer if integers else parse_real)(part, field)
        try:
            start, stop, step = (Decimal(p.strip()) for p in parts)
        except InvalidOperation:
            raise ValueError(f"{message}; got {text!r}") from None
        if not all(v.is_finite() for v in (start, stop, step)) or step <= 0 or stop < start:
            raise ValueError(f"{message}, finite, with stop ≥ start; got {text!r}")
        steps_decimal = (stop - start) / step  # exact in decimal, however large
        if steps_decimal + 1 > MAX_VALUES:
            raise ValueError(f"{field} would hold {steps_decimal + 1:.3e} values ({text!r}); at "
                             f"most {MAX_VALUES:,} (a range start:stop:step with (stop − start) "
                             f"/ step < {MAX_VALUES:,})")
        count = int(steps_decimal) + 1
        steps = [start + i * step for i in range(count)]
        return [int(v) for v in steps] if integers else [float(v) for v in steps]
    parse = parse_integer if integers else parse_real
    values = [parse(part, field) for part in text.split(",") if part.strip()]
    if not values:
        raise ValueError(f"{message}; got {text!r}")
    if len(values) > MAX_VALUES:
        raise ValueError(f"{field} holds {len(values):,} values; at most {MAX_VALUES:,}")
    return values


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="costmodel",
        description="Exact Mult-Adds (multiply-accumulates) and parameters of MobileNet v1, v2, "
                    "v3, MnasNet-A1 and EfficientNet B0-B3, or of your own network table.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def network(p: argparse.ArgumentParser) -> None:
        p.add_argument("--network", default=None,
                       help="a built-in network (see `costmodel networks`; default "
                            "mobilenet_v1)")
        p.add_argument("--rules", default=None,
                       help="the builder whose rounding rules to follow: tf-slim (default) or "
                            "torchvision")
        p.add_argument("--classes", type=_integer("classes"), default=None,
                       help="number of classes (default: the builder's, 1000 or 1001)")
        p.add_argument("--depth", type=_number("depth"), default=None,
                       help="EfficientNet's depth multiplier (default: the preset's)")
        p.add_argument("--variant", default="separable",
                       help="MobileNet v1: separable (Table 1), full (Table 4) or shallow "
                            "(Table 5)")
        p.add_argument("--arch", metavar="FILE",
                       help="your own network table (CSV; see docs/tables.md)")
        p.add_argument("--image-size", type=_integer("image-size"), default=None, metavar="PX",
                       help="reference input size of --arch (default: the table's, else 224)")

    def configuration(p: argparse.ArgumentParser) -> None:
        p.add_argument("--alpha", type=_number("alpha"), default=None,
                       help="width multiplier α in (0, 4] (default 1, or the preset's)")
        p.add_argument("--rho", type=_number("rho"), default=None,
                       help="resolution multiplier ρ; input = round(reference·ρ) (default 1)")
        p.add_argument("--resolution", type=_integer("resolution"), default=None,
                       help="input size in pixels, instead of --rho")
        network(p)

    def output(p: argparse.ArgumentParser, default: str) -> None:
        p.add_argument("--format", choices=FORMATS, default=default)
        p.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")

    sub.add_parser("networks", help="the built-in networks and their rule sets")
    p = sub.add_parser("latency", help="estimated latency per layer on a device profile")
    configuration(p)
    p.add_argument("--profile", default=DEFAULT_PROFILE,
                   help="a device profile (see `costmodel profiles`; default pixel1)")
    output(p, "text")
    p = sub.add_parser("memory", help="weights, bytes moved and peak activation memory")
    configuration(p)
    p.add_argument("--dtype", default="float32", help="float32 (default), float16 or int8")
    output(p, "text")
    sub.add_parser("profiles", help="the device profiles and where each comes from")
    p = sub.add_parser("calibrate", help="measure this machine (about 10 s) into a profile")
    p.add_argument("--name", default="this-machine", help="the profile's name")
    p.add_argument("--no-save", action="store_true", help="print the profile, do not save it")
    p.add_argument("--backend", choices=("auto", "onnxruntime", "pytorch", "numpy"),
                   default="auto", help="what measures: ONNX Runtime (auto's choice where "
                                        "installed), else PyTorch, else numpy")
    output(p, "text")
    p = sub.add_parser("export-onnx", help="the network as an ONNX graph (opset 17; needs the "
                                           "onnx extra)")
    configuration(p)
    p.add_argument("--out", metavar="FILE.onnx", required=True, help="the file to write")
    p.add_argument("--weights", choices=("random", "zeros"), default="random",
                   help="seeded He-normal random weights (default) or zeros")
    p.add_argument("--seed", type=_integer("seed"), default=0, help="random seed (default 0)")
    p = sub.add_parser("measure", help="run the network with ONNX Runtime on this CPU, beside "
                                       "the estimate (needs the onnx extra)")
    configuration(p)
    p.add_argument("--networks", default=None,
                   help="several networks, comma-separated (instead of --network)")
    p.add_argument("--resolutions", default=None,
                   help="several input sizes, e.g. 160,224 (instead of --resolution)")
    p.add_argument("--threads", type=_integer("threads"), default=1,
                   help="ONNX Runtime intra-op threads, pinned (default 1)")
    p.add_argument("--warmup", type=_integer("warmup"), default=10,
                   help="runs discarded before timing (default 10)")
    p.add_argument("--repeats", type=_integer("repeats"), default=50,
                   help="timed runs (default 50): median and interquartile range")
    p.add_argument("--layers", action="store_true",
                   help="per layer too (ONNX Runtime's profiler), beside the estimate")
    p.add_argument("--profile", default=DEFAULT_PROFILE,
                   help="the device profile of the estimate shown beside (default pixel1; "
                        "`costmodel calibrate` measures this machine's)")
    p.add_argument("--save-profile", metavar="NAME", default=None,
                   help="fit a profile to the measured runs and save it as NAME (with "
                        "--layers, per operation from each kernel time)")
    output(p, "text")
    p = sub.add_parser("profile", help="a device profile from your measurements (profile fit)")
    actions = p.add_subparsers(dest="action", required=True, parser_class=_Parser)
    p = actions.add_parser(
        "fit", help="fit a profile to measured latencies and save it",
        description="FILE.csv: one row per measured configuration, columns network, "
                    "resolution (px) and latency_ms (batch 1), optionally alpha, rules and "
                    "num_classes; other columns are ignored.")
    p.add_argument("file", metavar="FILE.csv", help="the measurements")
    p.add_argument("--name", required=True, help="the profile's name")
    p.add_argument("--description", default="", help="what was measured, and how")
    p.add_argument("--like", default=None, metavar="PROFILE",
                   help="keep this profile's shape and fit one scale factor (few rows)")
    p.add_argument("--max-gflops", type=_number("max-gflops"), default=None,
                   help="the device's peak rate from its spec sheet, GFLOP/s")
    p.add_argument("--max-gbs", type=_number("max-gbs"), default=None,
                   help="the device's memory bandwidth from its spec sheet, GB/s")
    p.add_argument("--fused-activations", action="store_true",
                   help="the runtime fuses h-swish, swish, sigmoid and GELU into the conv")
    p.add_argument("--no-save", action="store_true", help="print the profile, do not save it")
    output(p, "text")
    p = sub.add_parser("report", help="totals, savings, the published figures, top-1")
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
    p = sub.add_parser("frontier", help="best top-1 within a budget, across networks")
    p.add_argument("--max-mult-adds", type=_number("max-mult-adds"), default=None,
                   help="Mult-Adds budget, a count (e.g. 150e6)")
    p.add_argument("--max-params", type=_number("max-params"), default=None,
                   help="parameter budget, a count (e.g. 2e6)")
    p.add_argument("--networks", default="mobilenet_v1",
                   help="comma-separated network names, or 'all' (default mobilenet_v1)")
    p.add_argument("--all", action="store_true", help="every fitting configuration, not only "
                                                     "the Pareto frontier")
    p.add_argument("--checkpoints-only", action="store_true",
                   help="rank only configurations with a released checkpoint (no prediction, "
                        "no paper-only figure)")
    p.add_argument("--max-latency-ms", type=_number("max-latency-ms"), default=None,
                   help="latency budget in ms, estimated at batch 1 on --profile")
    p.add_argument("--profile", default=None,
                   help="the device profile of the latency budget (see `costmodel profiles`; "
                        "default pixel1)")
    output(p, "text")
    p = sub.add_parser("formulas", help="the formulas (MobileNet v1 section 3, v2, SE, and every "
                                         "later block type)")
    p.add_argument("--latex", action="store_true", help="LaTeX instead of plain text")
    p.add_argument("--steps", choices=FORMULA_STEPS,
                   help="a derivation step by step instead of the catalogue")
    p.add_argument("--block", choices=_block_names(),
                   help="one block type's cost read from its data file (data/blocks/)")
    p.add_argument("--stride", type=int, choices=(1, 2), default=1,
                   help="with --block: the block's stride (default 1)")
    p.add_argument("--se", action="store_true", help="with --block: with squeeze-and-excite")
    p = sub.add_parser("derive", help="step-by-step derivation of one layer's cost")
    p.add_argument("layer", help="layer name: conv1, dw1, pw1, ..., fc (v1); b3.expand, b3.dw, "
                                 "b3.project, ... (others); see `costmodel layers`")
    p.add_argument("--latex", action="store_true", help="LaTeX instead of plain text")
    configuration(p)
    p = sub.add_parser("plot", help="a figure as HTML, PNG or SVG (PNG/SVG need kaleido)")
    p.add_argument("figure", choices=("accuracy", "layers", "plane", "latency", "time-share"))
    p.add_argument("--profile", default=DEFAULT_PROFILE, help="device profile for latency figures")
    p.add_argument("--log", action="store_true", help="log scale for the per-layer chart")
    p.add_argument("--out", metavar="FILE", required=True, help="FILE.html, FILE.png or .svg")
    configuration(p)
    return parser


def _network(args: argparse.Namespace) -> str | Network | None:
    arch = getattr(args, "arch", None)
    if arch is None:
        if getattr(args, "image_size", None) is not None:
            raise ValueError("--image-size applies to a table given with --arch")
        return args.network
    if args.network is not None:
        raise ValueError("give --network or --arch, not both")
    from costmodel.descriptions.network_tables import load_network

    return load_network(arch, image_size=args.image_size)


def _common(args: argparse.Namespace) -> dict[str, Any]:
    return {"network": _network(args), "rules": args.rules, "num_classes": args.classes,
            "depth": args.depth, "variant": args.variant}


def _report(args: argparse.Namespace) -> Any:  # noqa: ANN401 -- a Report, imported lazily
    import costmodel

    return costmodel.report(args.alpha, args.rho, resolution=args.resolution, **_common(args))


def _table(frame: Any, fmt: str, caption: str = "") -> str:  # noqa: ANN401 -- a DataFrame
    from costmodel.base.formatting import frame_to_csv, frame_to_latex, frame_to_markdown

    if fmt == "json":
        return str(frame.to_json(orient="records", indent=2, force_ascii=False))
    if fmt == "latex":
        return frame_to_latex(frame, caption)
    if fmt == "markdown":
        return frame_to_markdown(frame)
    if fmt == "text":
        return str(frame.to_string(index=False))
    return frame_to_csv(frame)


def _run(args: argparse.Namespace) -> str:
    import costmodel

    if args.command == "networks":
        import pandas as pd

        rows = [{"name": n.name, "title": n.title, "family": n.family,
                 "rules": ", ".join(n.rules), "classes": ", ".join(map(str, n.classes)),
                 "image_size": n.image_size, "alpha": n.alpha, "depth": n.depth}
                for n in costmodel.networks()]
        return str(pd.DataFrame(rows).to_string(index=False))
    if args.command in ("latency", "memory", "profiles", "calibrate"):
        return _device(args)
    if args.command == "profile":
        return _profile_fit(args)
    if args.command == "export-onnx":
        return _export_onnx(args)
    if args.command == "measure":
        return _measure(args)
    if args.command == "report":
        r = _report(args)
        if args.format == "json":
            return json.dumps(r.to_dict(), indent=2, ensure_ascii=False)
        if args.format == "markdown":
            return str(r.to_markdown())
        if args.format == "latex":
            return str(r.to_latex())
        if args.format == "csv":
            return _table(r.to_frame(), "csv")
        return str(r)
    if args.command == "layers":
        r = _report(args)
        return _table(r.layers, args.format, f"Per layer: {r.network.title}")
    if args.command == "sweep":
        alphas = _values("alphas", args.alphas, integers=False)
        resolutions = _values("resolutions", args.resolutions, integers=True)
        count = len(alphas) * len(resolutions)
        if count > MAX_OUTPUT_ROWS:
            raise ValueError(
                f"--alphas × --resolutions is {len(alphas):,} × {len(resolutions):,} = "
                f"{count:,} rows; the command line writes at most {MAX_OUTPUT_ROWS:,} (for "
                f"larger grids call costmodel.sweep() from Python: it returns arrays)")
        s = costmodel.sweep(alphas, resolutions, **_common(args))
        return _table(s.to_frame(), args.format)
    if args.command == "frontier":
        names = ([n.name for n in costmodel.networks() if n.name != "mobilenet_v1_cifar"]
                 if args.networks.strip() == "all"
                 else [n.strip() for n in args.networks.split(",") if n.strip()])
        f = costmodel.frontier(max_mult_adds=args.max_mult_adds, max_params=args.max_params,
                               networks=names, checkpoints_only=args.checkpoints_only,
                               max_latency_ms=args.max_latency_ms, profile=args.profile)
        message = f.attrs["message"]
        if f.empty:
            print(message, file=sys.stderr)
            return _table(f, args.format) if args.format != "text" else ""
        chosen = f if args.all else f[f["on_frontier"]]
        body = _table(chosen, args.format)
        if args.format != "text":
            return body
        from costmodel.presentation.dashboard_state import budget_choice

        best = budget_choice(f)
        assert best is not None  # f is not empty
        lines = [f"Best: {best.text}", best.passed_over_text, message, body]
        return "\n".join(line for line in lines if line)
    if args.command == "formulas":
        if args.block:
            from costmodel.core.block_formulas import Choices, block_formula

            found = block_formula(args.block, Choices(stride_one=args.stride == 1, se=args.se))
            return found.latex if args.latex else found.text
        if args.steps:
            from costmodel.core import formulas

            steps = getattr(formulas, f"{args.steps}_steps")()
            return "\n".join(f"{s.title}: {s.latex if args.latex else s.text}"
                             + (f"  ({s.note})" if s.note else "") for s in steps)
        return "\n".join(f"{f.title} ({f.equation}): {f.latex if args.latex else f.text}"
                         for f in costmodel.formula_catalog())
    if args.command == "derive":
        d = costmodel.derive(args.layer, args.alpha, args.rho, resolution=args.resolution,
                             **_common(args))
        if args.latex:
            return "\n".join(rf"\text{{{s.title}: }} {s.latex} \\" for s in d.steps)
        return str(d)
    return _plot(args)


def _device(args: argparse.Namespace) -> str:
    """The latency, memory, profiles and calibrate commands."""
    import pandas as pd

    import costmodel

    if args.command == "profiles":
        from costmodel.hardware.device_profiles import ignored_profiles

        rows = [{"name": p.name, "GFLOP/s (pointwise)": p.peak_flops[LatencyKind.POINTWISE] / 1e9,
                 "GB/s": p.bandwidth / 1e9, "overhead µs (depthwise)": p.overhead[
                     LatencyKind.DEPTHWISE] * 1e6, "provenance": p.provenance}
                for p in costmodel.profiles()]
        lines = [str(pd.DataFrame(rows).to_string(index=False))]
        lines += [f"not used: {path}: {reason}" for path, reason in ignored_profiles().items()]
        return "\n".join(lines)
    if args.command == "calibrate":
        from costmodel.hardware.calibration import CalibrationError
        from costmodel.hardware.onnx_export import MissingExtraError

        try:
            profile = costmodel.calibrate(args.name, save=not args.no_save,
                                          progress=lambda line: print(line, file=sys.stderr),
                                          backend=args.backend)
        except (CalibrationError, MissingExtraError) as error:
            raise _OutputError(str(error)) from None
        if args.format == "json":
            return profile.to_json()
        frame = pd.DataFrame([{
            "name": profile.name, "gemm_gflops": profile.peak_flops[LatencyKind.POINTWISE] / 1e9,
            "bandwidth_gbs": profile.bandwidth / 1e9,
            **{f"overhead_{k}_us": v * 1e6 for k, v in profile.overhead.items()}}])
        return _table(frame, args.format) if args.format != "text" else (
            f"{profile.name}: {profile.provenance}\n{frame.to_string(index=False)}")
    r = _report(args)
    if args.command == "latency":
        estimate = r.latency(args.profile)
        if args.format != "text":
            return _table(estimate.layers, args.format, f"Latency on {estimate.profile}")
        shares = estimate.share_by_kind
        return (f"{r.network.title}, α = {r.alpha:g}, {r.resolution} px on "
                f"{estimate.profile}: {estimate.total_ms:.2f} ms (an estimate: bound and rank, "
                f"within about 2×)\n" + shares.to_string(index=False))
    memory = r.memory(args.dtype)
    if args.format != "text":
        return _table(memory.layers, args.format, f"Memory at {memory.dtype}")
    return (f"{r.network.title}, α = {r.alpha:g}, {r.resolution} px, {memory.dtype}: weights "
            f"{memory.weights_bytes:,} bytes; peak activations {memory.peak_activation_bytes:,} "
            f"bytes at {memory.peak_layer} (inputs + output + tensors held for later); largest "
            f"tensor {memory.largest_tensor_elements:,} elements ({memory.largest_tensor_layer})")


def _profile_fit(args: argparse.Namespace) -> str:
    """``costmodel profile fit FILE.csv --name NAME``: fit, print and (unless --no-save) save."""
    import re

    import pandas as pd

    import costmodel
    from costmodel.hardware.profile_fit import read_measurement_file
    from costmodel.hardware.profile_spec import (
        check_profile_name,
        save_profile,
        writable_profiles_dir,
    )

    check_profile_name(args.name, saving=not args.no_save)
    if not args.no_save:
        writable_profiles_dir()
    try:
        profile = costmodel.fit_profile(
            read_measurement_file(args.file), name=args.name, description=args.description,
            like=args.like, fused_activations=args.fused_activations,
            max_flops=None if args.max_gflops is None else args.max_gflops * 1e9,
            max_bandwidth=None if args.max_gbs is None else args.max_gbs * 1e9,
            provenance=f"measurements in {args.file}")
    except ValueError as error:  # a row of the file: say its line (the header is line 1)
        message = re.sub(r"measurement row (\d+)",
                         lambda m: f"{args.file} line {int(m.group(1)) + 1}", str(error))
        raise ValueError(message) from None
    if not args.no_save:
        path = save_profile(profile)
        print(f"saved profile {profile.name!r} to {path}", file=sys.stderr)
    if args.format == "json":
        return profile.to_json()
    fit = profile.fit
    frame = pd.DataFrame([{
        "name": profile.name,
        "gemm_gflops": profile.peak_flops[LatencyKind.POINTWISE] / 1e9,
        "depthwise_gflops": profile.peak_flops[LatencyKind.DEPTHWISE] / 1e9,
        "bandwidth_gbs": profile.bandwidth / 1e9,
        "overhead_us": profile.overhead[LatencyKind.POINTWISE] * 1e6,
        "invocation_ms": profile.invocation * 1e3,
        "points": fit.points if fit else None, "mape_pct": fit.mape_pct if fit else None,
        "max_abs_pct": fit.max_abs_pct if fit else None}])
    if args.format != "text":
        return _table(frame, args.format)
    bound = f"; at a bound: {', '.join(fit.at_bound)}" if fit and fit.at_bound else ""
    return (f"{profile.name}: {profile.provenance}{bound}\n"
            f"{frame.to_string(index=False)}")


def _export_onnx(args: argparse.Namespace) -> str:
    from costmodel.hardware.onnx_export import OPSET, MissingExtraError

    out: str = args.out
    if not out.lower().endswith(".onnx"):
        raise ValueError(f"--out must end in .onnx; got {out!r}")
    r = _report(args)
    try:
        model = r.to_onnx(out, weights=args.weights, seed=args.seed)
    except (MissingExtraError, OSError) as error:
        raise _OutputError(str(error)) from None
    return (f"wrote {out}: {r.network.title}, α = {r.alpha:g}, {r.resolution} px, "
            f"{len(model.graph.node):,} nodes, opset {OPSET}, {args.weights} weights, "
            f"batchnorm folded; {r.mult_adds:,} Mult-Adds, {r.params:,} parameters")


#: Configurations one ``costmodel measure`` runs at most.
MAX_MEASURED = 200


def _measure(args: argparse.Namespace) -> str:
    import costmodel
    from costmodel.hardware.onnx_export import MissingExtraError
    from costmodel.hardware.onnx_run import (
        check_settings,
        fit_measured_profile,
        measurements_table,
    )
    from costmodel.hardware.profile_spec import (
        check_profile_name,
        save_profile,
        writable_profiles_dir,
    )

    check_settings(args.threads, args.warmup, args.repeats)
    costmodel.get_profile(args.profile)
    if args.save_profile is not None:
        check_profile_name(args.save_profile)
        writable_profiles_dir()
    if args.networks is not None and (args.network is not None or args.arch is not None):
        raise ValueError("give --networks or --network/--arch, not both")
    if args.resolutions is not None and (args.resolution is not None or args.rho is not None):
        raise ValueError("give --resolutions or --resolution/--rho, not both")
    names: list[Any] = ([n.strip() for n in args.networks.split(",") if n.strip()]
                        if args.networks is not None else [_network(args)])
    if not names:
        raise ValueError("--networks must name at least one network")
    sizes: list[int | None] = (_values("resolutions", args.resolutions, integers=True)
                               if args.resolutions is not None else [args.resolution])
    count = len(names) * len(sizes)
    if count > MAX_MEASURED:
        raise ValueError(f"--networks × --resolutions is {count:,} configurations; "
                         f"`costmodel measure` runs at most {MAX_MEASURED}")
    common = {"rules": args.rules, "num_classes": args.classes, "depth": args.depth,
              "variant": args.variant}
    for name in names:  # every configuration checked before the first run
        for size in sizes:
            costmodel.report(args.alpha, args.rho, resolution=size, network=name, **common)
    measurements = []
    try:
        for name in names:
            for size in sizes:
                measurements.append(costmodel.measure(
                    args.alpha, args.rho, resolution=size, network=name, **common,
                    threads=args.threads, warmup=args.warmup, repeats=args.repeats,
                    layers=args.layers, profile=args.profile,
                    progress=lambda line: print(line, file=sys.stderr)))
    except MissingExtraError as error:
        raise _OutputError(str(error)) from None
    saved = ""
    if args.save_profile is not None:
        profile = fit_measured_profile(
            measurements, name=args.save_profile,
            description=f"this machine, ONNX Runtime ({measurements[0].runtime}), "
                        f"{len(measurements)} measured configurations")
        saved = f"saved profile {args.save_profile!r} to {save_profile(profile)}"
    single = measurements[0] if len(measurements) == 1 else None
    if args.format != "text":
        if single is not None and single.layers is not None:
            return _table(single.layers, args.format, f"Measured: {single.title}")
        return _table(measurements_table(measurements), args.format, "Measured")
    lines = []
    for m in measurements:
        lines.append(
            f"{m.title}, α = {m.alpha:g}, {m.resolution} px ({m.rules} rules): measured "
            f"{m.median_ms:.3f} ms median (IQR {m.q1_ms:.3f}-{m.q3_ms:.3f} ms, spread "
            f"{m.spread_pct:.0f} %, {m.repeats} runs); estimate on {m.profile}: "
            f"{m.estimate_ms:.3f} ms ({m.ratio:.2f}× the measured)")
        if m.layers is not None:
            shown = m.layers[["name", "latency_kind", "mult_adds", "measured_ms",
                              "estimate_ms", "estimate_over_measured"]]
            lines.append(shown.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    lines.append(f"Runtime: {measurements[0].runtime}; per-layer times are ONNX Runtime's "
                 f"kernel times, fused nodes booked to the operation whose name they keep")
    if saved:
        lines.append(saved)
    return "\n".join(lines)


def _plot(args: argparse.Namespace) -> str:
    from costmodel.presentation import plots

    r = _report(args)
    builders = {"accuracy": plots.cost_accuracy_figure, "plane": plots.plane_figure}
    if args.figure == "layers":
        figure = plots.layers_figure(r, log=args.log)
    elif args.figure == "latency":
        figure = plots.latency_figure(r, args.profile)
    elif args.figure == "time-share":
        figure = plots.time_share_figure(r, args.profile)
    else:
        figure = builders[args.figure](r)
    out: str = args.out
    if out.lower().endswith(".html"):
        _write(out, plots.figures_html([figure], title=f"costmodel {args.figure}"))
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


def _write(path: str, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise _OutputError(f"cannot write {path!r}: {error.strerror}") from None


def _join_values(argv: Sequence[str]) -> list[str]:
    """``--alpha -inf`` → ``--alpha=-inf``: argparse would read ``-inf`` as an option."""
    out: list[str] = []
    items = list(argv)
    i = 0
    while i < len(items):
        item = items[i]
        if item in _VALUED and i + 1 < len(items) and items[i + 1].startswith("-") and \
                not items[i + 1].startswith("--"):
            out.append(f"{item}={items[i + 1]}")
            i += 2
            continue
        out.append(item)
        i += 1
    return out


def _emit(text: str) -> None:
    """``text`` on standard output, flushed, so that a full or closed output is found here."""
    try:
        print(text)
        sys.stdout.flush()
    except OSError as error:
        raise _StdoutError(_stdout_reason(error)) from None


def _stdout_reason(error: OSError) -> str:
    reason = error.strerror or type(error).__name__
    if isinstance(error, BrokenPipeError):
        reason += " (the reader closed it)"
    return f"cannot write to standard output: {reason}"


def _silence_stdout() -> None:
    """Point standard output at the null device, so that the interpreter's final flush of
    what is left in its buffer does not fail again (with a second message)."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass  # not a real file (a test's capture): nothing will be flushed at exit


def _fail(message: str, code: int) -> int:
    with contextlib.suppress(OSError):  # standard error closed as well: the code says it
        print(f"costmodel: error: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``costmodel`` console script; returns the exit code."""
    from costmodel.hardware.profile_spec import ProfilesFolderError

    try:
        args = _parser().parse_args(_join_values(sys.argv[1:] if argv is None else argv))
    except SystemExit as stop:  # argparse: --help (0) or a usage error (2, one line printed)
        if not stop.code:
            try:
                sys.stdout.flush()
            except OSError as error:
                _silence_stdout()
                return _fail(_stdout_reason(error), 1)
        return int(stop.code or 0)
    except OSError as error:  # --help into a full or closed standard output
        _silence_stdout()
        return _fail(_stdout_reason(error), 1)
    try:
        out = getattr(args, "out", None)
        if out is not None and not out.strip():
            raise ValueError("--out must name a file; got an empty name")
        output = _run(args)
        if out and args.command not in ("plot", "export-onnx"):
            _write(out, output + "\n")
        elif output:
            _emit(output)
    except ValueError as error:
        return _fail(str(error), 2)
    except (_OutputError, ProfilesFolderError) as error:
        return _fail(str(error), 1)
    except _StdoutError as error:
        _silence_stdout()
        return _fail(str(error), 1)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
