"""The built-in networks: one CSV file each under ``data/networks/``, read once, read only.

``networks()`` lists them; ``get_network(name)`` returns one. EfficientNet B0-B3 are presets
(width, depth, resolution) of one table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

from costmodel.base.data_files import data_dir, read_data_text
from costmodel.descriptions.network_spec import Network

#: name → (file under data/networks, preset key or "")
_BUILTIN: dict[str, tuple[str, str]] = {
    "mobilenet_v1": ("mobilenet_v1.csv", ""),
    "mobilenet_v2": ("mobilenet_v2.csv", ""),
    "mobilenet_v3_large": ("mobilenet_v3_large.csv", ""),
    "mobilenet_v3_small": ("mobilenet_v3_small.csv", ""),
    "mnasnet_a1": ("mnasnet_a1.csv", ""),
    "efficientnet_b0": ("efficientnet.csv", "efficientnet_b0"),
    "efficientnet_b1": ("efficientnet.csv", "efficientnet_b1"),
    "efficientnet_b2": ("efficientnet.csv", "efficientnet_b2"),
    "efficientnet_b3": ("efficientnet.csv", "efficientnet_b3"),
    "mobilenet_v3_large_minimalistic": ("mobilenet_v3_large_minimalistic.csv", ""),
    "mobilenet_v3_small_minimalistic": ("mobilenet_v3_small_minimalistic.csv", ""),
    "mobilenet_v1_cifar": ("mobilenet_v1_cifar.csv", ""),
    "shufflenet_v2_x0_5": ("shufflenet_v2_x0_5.csv", ""),
    "shufflenet_v2_x1_0": ("shufflenet_v2_x1_0.csv", ""),
    "shufflenet_v2_x1_5": ("shufflenet_v2_x1_5.csv", ""),
    "shufflenet_v2_x2_0": ("shufflenet_v2_x2_0.csv", ""),
    **{f"mnasnet{w}": ("mnasnet_torchvision.csv", f"mnasnet{w}")
       for w in ("0_5", "0_75", "1_0", "1_3")},
    **{f"convnext_{w}": (f"convnext_{w}.csv", "") for w in ("atto", "femto", "pico", "nano")},
    **{f"mobileone_s{i}": (f"mobileone_s{i}.csv", "") for i in range(5)},
    "repvit_m0_9": ("repvit_m0_9.csv", ""),
    "ghostnet_050": ("ghostnet.csv", "ghostnet_050"),
    "ghostnet_100": ("ghostnet.csv", "ghostnet_100"),
    "ghostnet_130": ("ghostnet.csv", "ghostnet_130"),
}


def _timm_index() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """timm's models by name: (name → file under data/networks/timm, name → family, family
    name → base model), read from the files' ``# family_name.NAME: base=MODEL``,
    ``# model.NAME:`` and ``# family:`` lines (a family name, such as ``lcnet``, takes any
    α)."""
    files: dict[str, str] = {}
    families: dict[str, str] = {}
    bases: dict[str, str] = {}
    for path in sorted((data_dir() / "networks" / "timm").glob("*.csv")):
        family = ""
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                break
            key, _, value = line[1:].partition(":")
            key = key.strip()
            if key == "family":
                family = value.strip()
            elif key.startswith(("model.", "family_name.")):
                name = key.partition(".")[2]
                if name in _BUILTIN or name in files:
                    raise ValueError(f"network {name!r} is described twice ({path.name})")
                files[name] = path.name
                families[name] = family
                if key.startswith("family_name."):
                    fields = dict(pair.partition("=")[::2] for pair in value.split())
                    bases[name] = fields.get("base", "")
    return files, families, bases


#: Family of each network (for accuracy fits and charts).
FAMILY: dict[str, str] = {
    "mobilenet_v1": "MobileNet v1", "mobilenet_v1_cifar": "MobileNet v1",
    "mobilenet_v2": "MobileNet v2",
    "mobilenet_v3_large": "MobileNet v3", "mobilenet_v3_small": "MobileNet v3",
    "mobilenet_v3_large_minimalistic": "MobileNet v3",
    "mobilenet_v3_small_minimalistic": "MobileNet v3",
    "mnasnet_a1": "MnasNet", "efficientnet_b0": "EfficientNet",
    "efficientnet_b1": "EfficientNet", "efficientnet_b2": "EfficientNet",
    "efficientnet_b3": "EfficientNet",
    **{f"shufflenet_v2_{w}": "ShuffleNet v2" for w in ("x0_5", "x1_0", "x1_5", "x2_0")},
    **{f"ghostnet_{w}": "GhostNet" for w in ("050", "100", "130")},
    **{f"mnasnet{w}": "MNASNet" for w in ("0_5", "0_75", "1_0", "1_3")},
    **{f"convnext_{w}": "ConvNeXt" for w in ("atto", "femto", "pico", "nano")},
    **{f"mobileone_s{i}": "MobileOne" for i in range(5)},
    "repvit_m0_9": "RepViT",
}


_TIMM_FILES, _TIMM_FAMILY, _TIMM_BASES = _timm_index()

#: timm's family names that take any α (``lcnet``), each with its base model (``lcnet_100``):
#: timm's generator at any channel multiplier with the base model's other arguments.
TIMM_FAMILY_NAMES: dict[str, str] = dict(_TIMM_BASES)

#: The names :func:`costmodel.report` accepts, in the order the dashboard lists them: the
#: original twelve, then timm's models file by file.
NETWORK_NAMES: tuple[str, ...] = (*_BUILTIN, *_TIMM_FILES)
FAMILY.update(_TIMM_FAMILY)


def table_file(name: str) -> str:
    """The data file (under ``data/networks/``) that describes built-in network ``name``;
    networks of one file share its table (timm's widths of one architecture)."""
    return f"timm/{_TIMM_FILES[name]}" if name in _TIMM_FILES else _BUILTIN[name][0]


@cache
def _timm_file(filename: str) -> dict[str, Network]:
    from costmodel.descriptions.timm_tables import parse_timm

    return parse_timm(read_data_text(f"networks/timm/{filename}"))


@cache
def _table(filename: str) -> Network:
    from costmodel.descriptions.network_tables import parse_network

    return parse_network(read_data_text(f"networks/{filename}"), as_written=False)


@cache
def get_network(name: str) -> Network:
    """The built-in network called ``name``; ``ValueError`` listing the names otherwise."""
    if isinstance(name, str) and name in _TIMM_FILES:
        return _timm_file(_TIMM_FILES[name])[name]
    if not isinstance(name, str) or name not in _BUILTIN:
        raise ValueError(unknown_network_message(name))
    filename, preset_key = _BUILTIN[name]
    network = _table(filename)
    if not preset_key:
        return network
    preset = next(p for p in network.presets if p.key == preset_key)
    return replace(network, key=name, title=preset.title, image_size=preset.resolution,
                   width=preset.width, depth=preset.depth)


def unknown_network_message(name: object) -> str:
    """The refusal of an unknown network name: how many there are, where they are listed, and
    the closest names."""
    import difflib

    close = (difflib.get_close_matches(name.lower(), NETWORK_NAMES, n=3, cutoff=0.6)
             if isinstance(name, str) else [])
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return (f"network must be one of the {len(NETWORK_NAMES)} names of costmodel.networks() "
            f"(`costmodel networks` lists them; e.g. mobilenet_v1, mobilenet_v2, "
            f"efficientnet_b0, mixnet_s, mobilenetv4_conv_small); got {name!r}{hint}")


def is_builtin(network: Network) -> bool:
    """Whether ``network`` is the built-in network of its key, unchanged (a loaded copy with
    the same rows counts as the built-in; an edited one does not)."""
    return network.key in NETWORK_NAMES and replace(network, as_written=False) == get_network(
        network.key)


@dataclass(frozen=True, kw_only=True)
class NetworkInfo:
    """One built-in network: its name for ``network=``, title, family, the rule sets it
    reproduces (default first) with their number of classes, and its defaults."""

    name: str
    title: str
    family: str
    rules: tuple[str, ...]
    classes: tuple[int, ...]
    image_size: int
    alpha: float
    depth: float
    source: str


def networks() -> tuple[NetworkInfo, ...]:
    """Every built-in network (``costmodel.networks()``)."""
    out = []
    for name in NETWORK_NAMES:
        network = get_network(name)
        out.append(NetworkInfo(
            name=name, title=network.title, family=FAMILY[name], rules=network.rule_names,
            classes=tuple(r.classes for r in network.rules), image_size=network.image_size,
            alpha=network.width, depth=network.depth, source=network.source))
    return tuple(out)


__all__ = ["FAMILY", "NETWORK_NAMES", "TIMM_FAMILY_NAMES", "NetworkInfo", "data_dir",
           "get_network", "is_builtin", "networks", "read_data_text", "table_file"]
