"""timm's network files: block strings, as timm's EfficientNet builder reads them.

A file under ``data/networks/timm/`` holds one set of timm block strings (``arch_def``, one
row per string with its stage) and one ``# model.NAME: key=value ...`` line per model that timm
builds from them. :func:`parse_timm` turns each model line into a :class:`Network` under timm's
own rules, so that ``report(network="mixnet_s")`` counts what ``timm.create_model("mixnet_s")``
builds (timm 1.0.31, ``timm/models/_efficientnet_builder.py``):

* block strings (``_decode_block_str``): ``ir_r2_k3_s2_e6_c24_se0.25`` is an inverted residual
  repeated 2×, kernel 3, stride 2, expansion 6, 24 output channels, squeeze ratio 0.25;
  ``ds``/``dsa`` a separable pair (``dsa``: no skip), ``er`` a fused inverted residual, ``cn``
  a conv, ``uir`` MobileNetV4's universal inverted bottleneck (``a``: start depthwise kernel,
  ``k``: middle, ``p``: end; 0 none). ``k3.5.7`` splits the depthwise conv into channel groups
  (MixConv), ``a1.1``/``p1.1`` split the 1×1 convs into two groups; ``nsw``, ``nre``, ``nhs``,
  ``nr6`` set the activation; ``noskip`` drops the residual; ``fc24`` fixes the fused block's
  inner width to ``t·24`` before α;
* depth (``_scale_stage_depth``): each stage's repeats are scaled together, ``ceil`` or
  ``round``, and shared out from the last string back; ``fix_first_last`` keeps the first and
  last stages;
* widths (``round_channels``): ``make_divisible(α·c, 8)`` (without the 10 % guard where
  ``rounding=make_divisible_no_limit``, EfficientNetV2); inner widths
  ``make_divisible(C_in·t, 8)``; the stem unless ``fix_stem``; the head width ``features``
  as timm's generator passes it (fixed);
* only the first block of a stage keeps its stride;
* the head: ``efficientnet`` is a 1×1 conv to ``features`` with batchnorm, the pool and the
  classifier; ``mobilenetv3`` pools first, then a 1×1 conv with a bias (or batchnorm where
  ``head_norm``) and the classifier.

A timm model's name fixes its channel multiplier, so its α is that multiplier and no other
(:attr:`Network.fixed_width`). Where timm's generator scales every width by its
``channel_multiplier`` and the family's models differ in nothing else, the file names the
family too: ``# family_name.lcnet: base=lcnet_100`` makes ``lcnet`` a network that takes any α,
built as ``_gen_lcnet("lcnet_100", channel_multiplier=α)`` builds it: the base model's other
arguments, every width ``make_divisible(α·c, 8)`` (the base's ``rounding``). Two of timm's
width arguments depend on the multiplier, and the family line says so:

* ``fix_stem_below=0.75``: the stem keeps its width below that multiplier (MobileNet v3:
  ``fix_stem=channel_multiplier < 0.75``); described where the stem rounds to its own width
  from there to 1 (16 at 0.75), so the stem is ``make_divisible(max(α, 1)·stem, 8)``;
* ``features_width=max_scaled``: the head width is ``max(F, make_divisible(α·F, 8))``
  (MobileNet v2: ``max(1280, round_chs_fn(1280))``), i.e. ``make_divisible(max(α, 1)·F, 8)``;
  ``fixed`` (the default) keeps the base's ``features`` at every α.

At the base's multiplier the family name counts the base model to the unit.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from fractions import Fraction

from costmodel.base.kinds import Activation
from costmodel.descriptions.network_spec import (
    CLASSES,
    BlockRow,
    ExpandIf,
    Expansion,
    Network,
    Operator,
    Residual,
    RuleSet,
    SqueezeRule,
    WidthMode,
)
from costmodel.descriptions.widths import Rounding

_ACTIVATION = {"re": Activation.RELU, "r6": Activation.RELU6, "hs": Activation.HSWISH,
               "sw": Activation.SWISH}
_BLOCK_TYPES = ("ir", "ds", "dsa", "er", "cn", "uir")
_MODEL_KEYS = {"width", "depth", "depth_trunc", "fix_first_last", "stem", "fix_stem", "stem_k",
               "head", "features", "head_bias", "head_norm", "activation", "se", "rounding",
               "resolution", "test_resolution"}
_MAX_REPEATS = 64
_FAMILY_KEYS = {"base", "fix_stem_below", "features_width"}


def _kernels(text: str, field: str, where: str) -> tuple[int, ...]:
    try:
        kernels = tuple(int(part) for part in text.split("."))
    except ValueError:
        raise ValueError(f"{where}: {field} must be kernel sizes such as 3 or 3.5.7; got "
                         f"{text!r}") from None
    for k in kernels:
        if not (0 <= k <= 11) or (k and k % 2 == 0 and field != "a"):
            raise ValueError(f"{where}: {field} must be odd kernel sizes from 1 to 11 (0: "
                             f"none); got {text!r}")
    return kernels


def decode_block(text: str, where: str) -> tuple[str, dict[str, str], bool | None]:
    """A block string's type, its numeric options and its skip flag (timm
    ``_decode_block_str``); ``ValueError`` naming ``where`` otherwise."""
    parts = text.strip().split("_")
    kind = parts[0]
    if kind not in _BLOCK_TYPES:
        raise ValueError(f"{where}: block type must be one of {', '.join(_BLOCK_TYPES)}; got "
                         f"{kind!r}")
    options: dict[str, str] = {}
    skip: bool | None = None
    for op in parts[1:]:
        if op == "noskip":
            skip = False
        elif op == "skip":
            skip = True
        elif op.startswith("n") and not op[1:2].isdigit():
            if op[1:] not in _ACTIVATION:
                raise ValueError(f"{where}: activation must be one of "
                                 f"{', '.join('n' + a for a in _ACTIVATION)}; got {op!r}")
            options["n"] = op[1:]
        else:
            match = re.fullmatch(r"([a-z]+)(\d[\d.]*)", op)
            if match is None:
                raise ValueError(f"{where}: cannot read option {op!r} of {text!r}")
            options[match.group(1)] = match.group(2)
    for required in ("r", "c", "s") + (("k",) if kind != "uir" else ("k", "e")):
        if required not in options:
            raise ValueError(f"{where}: {text!r} needs option {required!r}")
    unknown = set(options) - {"r", "k", "s", "e", "c", "se", "n", "a", "p", "fc"}
    if unknown:
        raise ValueError(f"{where}: option(s) {', '.join(sorted(unknown))} of {text!r} are "
                         f"not described (timm's group size and CondConv experts are not)")
    return kind, options, skip


def _int(options: dict[str, str], key: str, where: str, low: int, high: int,
         default: int | None = None) -> int:
    if key not in options and default is not None:
        return default
    try:
        value = int(options[key])
    except ValueError:
        raise ValueError(f"{where}: {key} must be a whole number; got {options[key]!r}") from None
    if not low <= value <= high:
        raise ValueError(f"{where}: {key} must be in [{low}, {high}]; got {value}")
    return value


def _ratio(options: dict[str, str], key: str, where: str) -> Fraction | None:
    if key not in options:
        return None
    value = Fraction(options[key])
    if not 0 < value <= 64:
        raise ValueError(f"{where}: {key} must be in (0, 64]; got {options[key]}")
    return value


def _groups(options: dict[str, str], key: str, where: str) -> int:
    """How many 1×1 groups ``a1.1``/``p1.1`` asks for (1: a plain 1×1 conv)."""
    if key not in options:
        return 1
    kernels = _kernels(options[key], key, where)
    if any(k != 1 for k in kernels):
        raise ValueError(f"{where}: {key} must be 1×1 kernels such as 1 or 1.1; got "
                         f"{options[key]!r}")
    return len(kernels)


def block_row(text: str, line: int, stride_one: bool, default_nl: Activation,
              repeats: int) -> BlockRow:
    """One block string as a :class:`BlockRow` with ``repeats`` blocks (after depth
    scaling); ``stride_one``: not the stage's first string, so its stride is 1."""
    where = f"line {line}"
    kind, options, skip = decode_block(text, where)
    c = _int(options, "c", where, 1, 100_000)
    s = 1 if stride_one else _int(options, "s", where, 1, 2)
    nl = _ACTIVATION[options["n"]] if "n" in options else default_nl
    se = _ratio(options, "se", where)
    common = {"line": line, "c": c, "n": repeats, "s": s, "nl": nl, "note": text}
    if kind == "cn":  # ConvBnAct: a residual only where 'skip' asks for one
        return BlockRow(operator=Operator.CONV, k=_kernels(options["k"], "k", where)[0],
                        residual=Residual.SKIP if skip else Residual.AUTO,
                        **common)  # type: ignore[arg-type]
    if kind == "uir":
        start = _kernels(options.get("a", "0"), "a", where)[0]
        end = _kernels(options.get("p", "0"), "p", where)[0]
        mid = _kernels(options["k"], "k", where)[0]
        if s > 1 and not (start or mid or end):
            raise ValueError(f"{where}: a strided uir block needs a depthwise kernel")
        return BlockRow(operator=Operator.UNIVERSAL, t=_ratio(options, "e", where), k=mid,
                        start_k=start, end_k=end, se=se,
                        residual=Residual.NO if skip is False else Residual.AUTO,
                        **common)  # type: ignore[arg-type]
    kernels = _kernels(options["k"], "k", where)
    if 0 in kernels:
        raise ValueError(f"{where}: k must be odd kernel sizes from 1 to 11; got {options['k']}")
    mixed = kernels if len(kernels) > 1 else ()
    if kind in ("ds", "dsa"):
        no_skip = kind == "dsa" or skip is False
        return BlockRow(operator=Operator.SEPARABLE, k=kernels[0], kernels=mixed,
                        pw_groups=_groups(options, "p", where), se=se,
                        residual=Residual.NO if no_skip else Residual.SKIP,
                        **common)  # type: ignore[arg-type]
    t = _ratio(options, "e", where)
    if t is None:
        raise ValueError(f"{where}: {text!r} needs option 'e'")
    residual = Residual.NO if skip is False else Residual.AUTO
    if kind == "er":
        return BlockRow(operator=Operator.FUSED, t=t, k=kernels[0], se=se,
                        pw_groups=_groups(options, "p", where),
                        force_in=_int(options, "fc", where, 1, 100_000, default=0),
                        residual=residual, **common)  # type: ignore[arg-type]
    return BlockRow(operator=Operator.INVERTED_RESIDUAL, t=t, k=kernels[0], kernels=mixed,
                    exp_groups=_groups(options, "a", where),
                    pw_groups=_groups(options, "p", where), se=se, residual=residual,
                    **common)  # type: ignore[arg-type]


def scale_stage_depth(repeats: list[int], multiplier: float, trunc: str) -> list[int]:
    """timm's ``_scale_stage_depth``: the stage's total repeats scaled (``ceil``, or
    ``max(1, round(·))``), shared out over its strings from the last one back."""
    total = sum(repeats)
    scaled_total = (max(1, round(total * multiplier)) if trunc == "round"
                    else math.ceil(total * multiplier))
    out: list[int] = []
    for r in repeats[::-1]:
        share = max(1, round(r / total * scaled_total))
        out.append(share)
        total -= r
        scaled_total -= share
    return out[::-1]


def _fields(text: str, line: int) -> dict[str, str]:
    fields: dict[str, str] = {}
    for pair in text.split():
        key, sep, value = pair.partition("=")
        if not sep or key not in _MODEL_KEYS:
            raise ValueError(f"line {line}: model fields are key=value with keys "
                             f"{', '.join(sorted(_MODEL_KEYS))}; got {pair!r}")
        fields[key] = value
    return fields


def _yes(fields: dict[str, str], key: str, line: int) -> bool:
    value = fields.get(key, "no")
    if value not in ("yes", "no"):
        raise ValueError(f"line {line}: {key} must be yes or no; got {value!r}")
    return value == "yes"


def _model(name: str, fields: dict[str, str], line: int, stages: list[list[tuple[int, str]]],
           family: str, source: str, file_key: str) -> Network:
    where = f"line {line}"
    width = float(fields.get("width", "1.0"))
    depth = float(fields.get("depth", "1.0"))
    trunc = fields.get("depth_trunc", "ceil")
    if trunc not in ("ceil", "round"):
        raise ValueError(f"{where}: depth_trunc must be ceil or round; got {trunc!r}")
    if not (0 < width <= 4 and 0 < depth <= 8):
        raise ValueError(f"{where}: width must be in (0, 4] and depth in (0, 8]")
    fix_first_last = _yes(fields, "fix_first_last", line)
    nl = Activation(fields.get("activation", "relu"))
    rows: list[BlockRow] = [BlockRow(
        line=line, operator=Operator.CONV, name="stem", c=int(fields.get("stem", "32")),
        n=1, s=2, k=int(fields.get("stem_k", "3")), nl=nl,
        width=WidthMode.FIXED if _yes(fields, "fix_stem", line) else WidthMode.SCALED)]
    for index, stage in enumerate(stages):
        repeats = []
        for row_line, text in stage:
            _, options, _ = decode_block(text, f"line {row_line}")
            repeats.append(_int(options, "r", f"line {row_line}", 1, _MAX_REPEATS))
        fixed = fix_first_last and index in (0, len(stages) - 1)
        scaled = scale_stage_depth(repeats, 1.0 if fixed else depth, trunc)
        for position, ((row_line, text), count) in enumerate(zip(stage, scaled, strict=True)):
            rows.append(block_row(text, row_line, position > 0, nl, count))
    features = int(fields.get("features", "1280"))
    head = fields.get("head", "efficientnet")
    if head not in ("efficientnet", "mobilenetv3"):
        raise ValueError(f"{where}: head must be efficientnet or mobilenetv3; got {head!r}")
    pool = BlockRow(line=line, operator=Operator.POOL, name="pool")
    if head == "efficientnet":
        if features > 0:
            rows.append(BlockRow(line=line, operator=Operator.CONV, name="conv_head", c=features,
                                 k=1, nl=nl, width=WidthMode.FIXED))
        rows.append(pool)
    else:
        rows.append(pool)
        norm = _yes(fields, "head_norm", line)
        bias = not norm and fields.get("head_bias", "yes") == "yes"
        rows.append(BlockRow(line=line, operator=Operator.CONV, name="conv_head", c=features, k=1,
                             nl=nl, width=WidthMode.FIXED, bias=bias, batchnorm=norm))
    rows.append(BlockRow(line=line, operator=Operator.CLASSIFIER, name="classifier",
                         c=CLASSES))
    rounding = Rounding(fields.get("rounding", "make_divisible"))
    rules = RuleSet(
        name="timm", rounding=rounding,
        inner_rounding=Rounding.MAKE_DIVISIBLE, expansion=Expansion.FROM_INPUT,
        se_squeeze=SqueezeRule(fields.get("se", "round_input")), expand_if=ExpandIf.ALWAYS,
        classes=1000, source=source)
    resolution = int(fields.get("resolution", "224"))
    return Network(key=name, title=name, rows=tuple(rows), rules=(rules,),
                   image_size=resolution, source=source, width=width, fixed_width=True,
                   family=family)


def _family(name: str, text: str, line: int, models: dict[str, Network],
            fields_of: dict[str, dict[str, str]]) -> Network:
    """The network of a ``# family_name.NAME:`` line: its base model at any α."""
    where = f"line {line}"
    fields: dict[str, str] = {}
    for pair in text.split():
        key, sep, value = pair.partition("=")
        if not sep or key not in _FAMILY_KEYS:
            raise ValueError(f"{where}: family fields are key=value with keys "
                             f"{', '.join(sorted(_FAMILY_KEYS))}; got {pair!r}")
        fields[key] = value
    base_name = fields.get("base", "")
    if base_name not in models:
        raise ValueError(f"{where}: base must be one of this file's models "
                         f"({', '.join(models)}); got {base_name!r}")
    base = models[base_name]
    if name in models:
        raise ValueError(f"{where}: family name {name!r} is one of this file's models")
    if float(fields_of[base_name].get("depth", "1.0")) != 1.0:
        raise ValueError(f"{where}: the base model of a family name scales depth; only "
                         f"width scales with α")
    rows = list(base.rows)
    stem = rows[0]
    if "fix_stem_below" in fields:
        below = float(fields["fix_stem_below"])
        if not 0 < below <= 1 or stem.width is not WidthMode.SCALED:
            raise ValueError(f"{where}: fix_stem_below must be in (0, 1] with a scaled stem "
                             f"(fix_stem=no) in the base; got {fields['fix_stem_below']!r}")
        assert stem.c is not None
        rounding = base.rules[0].rounding
        if rounding.apply(stem.c * below) != stem.c:
            raise ValueError(f"{where}: fix_stem_below={below:g} is described where the stem "
                             f"rounds to its own width {stem.c} from there to 1; "
                             f"{rounding.value}({stem.c}·{below:g}) = "
                             f"{rounding.apply(stem.c * below):g}")
        rows[0] = replace(stem, width=WidthMode.FINEGRAIN)
    features_width = fields.get("features_width", "fixed")
    if features_width not in ("fixed", "max_scaled"):
        raise ValueError(f"{where}: features_width must be fixed or max_scaled; got "
                         f"{features_width!r}")
    if features_width == "max_scaled":
        index = next((i for i, row in enumerate(rows) if row.name == "conv_head"), None)
        if index is None or (rows[index].c or 0) % 8:
            raise ValueError(f"{where}: features_width=max_scaled needs a head conv whose "
                             f"features are a multiple of 8")
        rows[index] = replace(rows[index], width=WidthMode.FINEGRAIN)
    source = (f"{base.source}; {name}: the generator at any channel multiplier α with "
              f"{base_name}'s other arguments")
    rules = tuple(replace(r, source=source) for r in base.rules)
    return replace(base, key=name, title=name, rows=tuple(rows), rules=rules, source=source,
                   fixed_width=False)


def parse_timm(text: str) -> dict[str, Network]:
    """Every model of a timm network file (see the module docstring), by name, then its
    family names (``# family_name.NAME:``), which take any α."""
    meta: dict[str, str] = {}
    models: list[tuple[str, str, int]] = []
    families: list[tuple[str, str, int]] = []
    stages: dict[int, list[tuple[int, str]]] = {}
    header_seen = False
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            key, sep, value = line[1:].partition(":")
            key = key.strip()
            if not sep:
                continue
            if key.startswith("model."):
                models.append((key[len("model."):], value, line_no))
            elif key.startswith("family_name."):
                families.append((key[len("family_name."):], value, line_no))
            else:
                meta[key] = value.strip()
            continue
        if not header_seen:
            if line.replace(" ", "") != "stage,block":
                raise ValueError(f"line {line_no}: a timm network file's header is "
                                 f"'stage,block'; got {line!r}")
            header_seen = True
            continue
        stage_text, sep, block = line.partition(",")
        if not sep or not stage_text.strip().isdigit():
            raise ValueError(f"line {line_no}: rows are 'stage,block string'; got {line!r}")
        stages.setdefault(int(stage_text), []).append((line_no, block.strip()))
    if not stages or not models:
        raise ValueError("a timm network file needs '# model.NAME:' lines and block rows")
    ordered = [stages[k] for k in sorted(stages)]
    source = meta.get("source", "")
    family = meta.get("family", "")
    fields_of = {name: _fields(value, line) for name, value, line in models}
    built = {name: _model(name, fields_of[name], line, ordered, family, source,
                          meta.get("key", ""))
             for name, value, line in models}
    named = {name: _family(name, value, line, built, fields_of)
             for name, value, line in families}
    return built | named


__all__ = ["block_row", "decode_block", "parse_timm", "scale_stage_depth"]
