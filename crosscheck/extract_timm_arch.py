"""Write data/networks/timm/*.csv from timm's own generator functions (a maintainer's tool).

Each timm model of the EfficientNet builder family (``timm/models/efficientnet.py``,
``mobilenetv3.py``, ``hardcorenas.py``) is built once while ``decode_arch_def`` and the model
class's constructor are observed, which records the block strings (``arch_def``), the depth
multiplier and truncation, and the constructor's arguments (stem, head, channel multiplier,
squeeze-and-excite layer, activation). Models with the same block strings share one file; each
model is one ``# model.NAME:`` line. Run with timm 1.0.31 installed (``make crosscheck``'s
extras): ``.venv/bin/python crosscheck/extract_timm_arch.py``. It writes data only.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import timm
from timm.models import _efficientnet_builder as builder_module
from timm.models import efficientnet, hardcorenas, mobilenetv3

#: (file stem, family, source function) → models; the order the files list them in
GROUPS: dict[tuple[str, str, str], list[str]] = {
    ("mobilenetv1", "MobileNet v1 (timm)", "efficientnet.py _gen_mobilenet_v1"):
        ["mobilenetv1_100", "mobilenetv1_100h", "mobilenetv1_125"],
    ("mobilenetv2", "MobileNet v2 (timm)", "efficientnet.py _gen_mobilenet_v2"):
        ["mobilenetv2_035", "mobilenetv2_050", "mobilenetv2_075", "mobilenetv2_100",
         "mobilenetv2_140", "mobilenetv2_110d", "mobilenetv2_120d"],
    ("mobilenetv3_large", "MobileNet v3 (timm)", "mobilenetv3.py _gen_mobilenet_v3"):
        ["mobilenetv3_large_075", "mobilenetv3_large_100", "mobilenetv3_large_150d",
         "tf_mobilenetv3_large_075", "tf_mobilenetv3_large_100"],
    ("mobilenetv3_small", "MobileNet v3 (timm)", "mobilenetv3.py _gen_mobilenet_v3"):
        ["mobilenetv3_small_050", "mobilenetv3_small_075", "mobilenetv3_small_100",
         "tf_mobilenetv3_small_075", "tf_mobilenetv3_small_100"],
    ("mobilenetv3_minimal", "MobileNet v3 (timm)", "mobilenetv3.py _gen_mobilenet_v3"):
        ["tf_mobilenetv3_large_minimal_100", "tf_mobilenetv3_small_minimal_100"],
    ("mobilenetv3_rw", "MobileNet v3 (timm)", "mobilenetv3.py _gen_mobilenet_v3_rw"):
        ["mobilenetv3_rw"],
    ("mobilenetv4_conv", "MobileNetV4", "mobilenetv3.py _gen_mobilenet_v4"):
        ["mobilenetv4_conv_small", "mobilenetv4_conv_small_035", "mobilenetv4_conv_small_050",
         "mobilenetv4_conv_medium", "mobilenetv4_conv_large"],
    ("efficientnet_lite", "EfficientNet-Lite", "efficientnet.py _gen_efficientnet_lite"):
        [f"tf_efficientnet_lite{i}" for i in range(5)],
    ("efficientnetv2_base", "EfficientNetV2", "efficientnet.py _gen_efficientnetv2_base"):
        [f"tf_efficientnetv2_b{i}" for i in range(4)],
    ("efficientnet_edge", "EfficientNet-EdgeTPU", "efficientnet.py _gen_efficientnet_edge"):
        ["efficientnet_es", "efficientnet_em", "efficientnet_el"],
    ("mobilenet_edgetpu", "MobileNet-EdgeTPU", "efficientnet.py _gen_mobilenet_edgetpu"):
        ["mobilenet_edgetpu_100"],
    ("mixnet", "MixNet", "efficientnet.py _gen_mixnet_s, _gen_mixnet_m"):
        ["mixnet_s", "mixnet_m", "mixnet_l", "mixnet_xl", "tf_mixnet_s", "tf_mixnet_m",
         "tf_mixnet_l"],
    ("mnasnet", "MNASNet (timm)", "efficientnet.py _gen_mnasnet_a1, _gen_mnasnet_b1, "
                                  "_gen_mnasnet_small"):
        ["mnasnet_050", "mnasnet_075", "mnasnet_100", "mnasnet_140", "mnasnet_small",
         "semnasnet_050", "semnasnet_075", "semnasnet_100", "semnasnet_140"],
    ("spnasnet", "SPNASNet", "efficientnet.py _gen_spnasnet"): ["spnasnet_100"],
    ("fbnetc", "FBNet", "efficientnet.py _gen_fbnetc"): ["fbnetc_100"],
    ("lcnet", "LCNet", "mobilenetv3.py _gen_lcnet"):
        ["lcnet_035", "lcnet_050", "lcnet_075", "lcnet_100", "lcnet_150"],
    ("tinynet", "TinyNet", "efficientnet.py _gen_tinynet"):
        [f"tinynet_{c}" for c in "abcde"],
    ("hardcorenas", "HardCoReNAS", "hardcorenas.py _gen_hardcorenas"):
        [f"hardcorenas_{c}" for c in "abcdef"],
}

#: The family names that take any α, by base model: the generator at any channel multiplier
#: with the base model's other arguments (``# family_name.NAME:``; see
#: costmodel/descriptions/timm_tables.py).
#: Only where the family's named models differ in nothing but the multiplier and the family name
#: is no model's name; the multiplier-dependent arguments read from the generator's code:
#: ``fix_stem=channel_multiplier < 0.75`` (MobileNet v3) and
#: ``num_features=max(1280, round_chs_fn(1280))`` (MobileNet v2).
FAMILY_NAMES: dict[str, tuple[str, str]] = {
    "lcnet_100": ("lcnet", ""),
    "mobilenetv1_100": ("mobilenetv1", ""),
    "mobilenetv2_100": ("mobilenetv2", "features_width=max_scaled"),
    "mobilenetv3_large_100": ("mobilenetv3_large", "fix_stem_below=0.75"),
    "mobilenetv3_small_100": ("mobilenetv3_small", "fix_stem_below=0.75"),
    "mnasnet_100": ("mnasnet", ""),
    "semnasnet_100": ("semnasnet", ""),
    "fbnetc_100": ("fbnetc", ""),
    "spnasnet_100": ("spnasnet", ""),
    "mobilenet_edgetpu_100": ("mobilenet_edgetpu", ""),
}

_ACTIVATIONS = {"ReLU": "relu", "ReLU6": "relu6", "Hardswish": "hswish", "SiLU": "swish",
                None: "relu"}


def _observe(name: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    original = builder_module.decode_arch_def

    def decode(arch_def: list[list[str]], depth_multiplier: float = 1.0,
               depth_trunc: str = "ceil", experts_multiplier: int = 1,
               fix_first_last: bool = False, group_size: int | None = None) -> Any:
        seen.update(arch_def=arch_def, depth=depth_multiplier, depth_trunc=depth_trunc,
                    fix_first_last=fix_first_last, group_size=group_size)
        return original(arch_def, depth_multiplier, depth_trunc, experts_multiplier,
                        fix_first_last, group_size)

    patched = []
    for module in (efficientnet, mobilenetv3, hardcorenas):
        if hasattr(module, "decode_arch_def"):
            patched.append((module, module.decode_arch_def))
            module.decode_arch_def = decode
    inits = []
    for cls in (efficientnet.EfficientNet, mobilenetv3.MobileNetV3):
        init = cls.__init__

        def wrapped(self: Any, *args: Any, _init: Any = init, _cls: str = cls.__name__,
                    **kwargs: Any) -> None:
            seen["class"] = _cls
            seen["kwargs"] = kwargs
            _init(self, *args, **kwargs)

        inits.append((cls, init))
        cls.__init__ = wrapped
    try:
        model = timm.create_model(name)
    finally:
        for module, fn in patched:
            module.decode_arch_def = fn
        for cls, init in inits:
            cls.__init__ = init
    seen["resolution"] = model.pretrained_cfg["input_size"][1]
    test = model.pretrained_cfg.get("test_input_size")
    seen["test_resolution"] = test[1] if test else None
    return seen


def _model_line(name: str, seen: dict[str, Any]) -> str:
    kw = seen["kwargs"]
    mobilenetv3_head = seen["class"] == "MobileNetV3"
    round_fn = kw.get("round_chs_fn")
    multiplier, round_limit = 1.0, 0.9
    if isinstance(round_fn, functools.partial):
        multiplier = round_fn.keywords.get("multiplier", 1.0)
        round_limit = round_fn.keywords.get("round_limit", 0.9)
    se_layer = kw.get("se_layer")
    se_round = "round"
    if isinstance(se_layer, functools.partial):
        rd = se_layer.keywords.get("rd_round_fn")
        se_round = "make_divisible" if rd is not None and rd.__name__ == "round_channels" \
            else "round"
    se_from_exp = kw.get("se_from_exp", mobilenetv3_head)
    se = ("expanded" if se_round == "make_divisible" else "round_expanded") if se_from_exp \
        else "round_input"
    if se_from_exp and se_round == "make_divisible":
        se = "expanded"
    act = kw.get("act_layer")
    act_name = _ACTIVATIONS[getattr(act, "__name__", act)]
    stem = kw.get("stem_size", 16 if mobilenetv3_head else 32)
    features = kw.get("num_features", 1280)
    fields = {
        "width": multiplier, "depth": seen["depth"], "depth_trunc": seen["depth_trunc"],
        "fix_first_last": "yes" if seen["fix_first_last"] else "no",
        "stem": stem, "fix_stem": "yes" if kw.get("fix_stem", False) else "no",
        "stem_k": kw.get("stem_kernel_size", 3),
        "head": "mobilenetv3" if mobilenetv3_head else "efficientnet",
        "features": features,
        "head_bias": "yes" if kw.get("head_bias", True) else "no",
        "head_norm": "yes" if kw.get("head_norm", False) else "no",
        "activation": act_name, "se": se,
        "rounding": "make_divisible" if round_limit else "make_divisible_no_limit",
        "resolution": seen["resolution"],
    }
    if seen["test_resolution"]:
        fields["test_resolution"] = seen["test_resolution"]
    if seen["group_size"] is not None:
        raise ValueError(f"{name}: group_size is not described")
    return f"# model.{name}: " + " ".join(f"{k}={v}" for k, v in fields.items())


def main() -> None:
    out = Path(__file__).resolve().parent.parent / "data" / "networks" / "timm"
    out.mkdir(parents=True, exist_ok=True)
    version = timm.__version__
    for (stem, family, function), names in GROUPS.items():
        observed = {name: _observe(name) for name in names}
        by_arch: dict[str, list[str]] = {}
        for name, seen in observed.items():
            by_arch.setdefault(json.dumps(seen["arch_def"]), []).append(name)
        for members in by_arch.values():
            # one file per set of block strings, named by the family's file stem (or, where
            # one generator gives several, by the set's first model)
            key = stem if len(by_arch) == 1 else members[0]
            arch_def = observed[members[0]]["arch_def"]
            lines = [
                f"# key: {key}",
                f"# family: {family}",
                f"# source: timm {version} timm/models/{function}: the block strings "
                f"(arch_def) and each model's arguments, as timm.create_model(NAME) builds it",
                *(f"# family_name.{FAMILY_NAMES[base][0]}: "
                  + " ".join(filter(None, (f"base={base}", FAMILY_NAMES[base][1])))
                  for base in members if base in FAMILY_NAMES),
                *(_model_line(name, observed[name]) for name in members),
                "stage,block",
                *(f"{i},{block}" for i, stage in enumerate(arch_def, start=1)
                  for block in stage),
            ]
            (out / f"{key}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{stem}.csv: {len(names)} models")


if __name__ == "__main__":
    main()
