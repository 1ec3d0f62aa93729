"""A configuration (network, rules, α, depth, input size, classes, variant) and its checks.

The lowest layer of the package: every entry point (:func:`costmodel.report`, sweeps, the
accuracy model, the command line, the dashboard) validates its arguments here. Each failure is
a ``ValueError`` naming the field and the accepted range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real

from costmodel.descriptions.builtin_networks import (
    NETWORK_NAMES,
    TIMM_FAMILY_NAMES,
    get_network,
    table_file,
)
from costmodel.descriptions.network_spec import Network, RuleSet

MAX_ALPHA = 4.0
MAX_DEPTH = 8.0
MAX_RESOLUTION = 4096
MAX_CLASSES = 1_000_000
VARIANTS: tuple[str, ...] = ("separable", "full", "shallow")
ALPHA_RANGE = f"a finite number in (0, {MAX_ALPHA:g}]"
DEPTH_RANGE = f"a finite number in (0, {MAX_DEPTH:g}]"
RESOLUTION_RANGE = f"an integer in [1, {MAX_RESOLUTION}] (pixels)"
CLASSES_RANGE = f"an integer in [1, {MAX_CLASSES:,}]"


def real_number(name: str, value: object, accepted: str) -> float:
    """``value`` as a finite float; ``ValueError`` naming ``name`` and ``accepted`` for a
    bool, a non-number (text included), an infinity or NaN."""
    if type(value) is float:  # the common case, without the ABC check
        if math.isfinite(value):
            return value
        raise ValueError(f"{name} must be {accepted}; got {value!r}")
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be {accepted}; got {value!r} ({type(value).__name__})")
    try:
        number = float(value)
    except (OverflowError, ValueError):
        raise ValueError(f"{name} must be {accepted}; got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be {accepted}; got {value!r}")
    return number


def check_alpha(alpha: object) -> float:
    """Width multiplier α: a finite real in (0, 4]. Above 1 is wider than the papers."""
    value = real_number("alpha", alpha, ALPHA_RANGE)
    if not 0.0 < value <= MAX_ALPHA:
        raise ValueError(f"alpha must be {ALPHA_RANGE}; got {alpha!r}")
    return value


def check_depth(depth: object) -> float:
    """Depth multiplier d (EfficientNet): a finite real in (0, 8]; repeats become ceil(d·n)."""
    value = real_number("depth", depth, DEPTH_RANGE)
    if not 0.0 < value <= MAX_DEPTH:
        raise ValueError(f"depth must be {DEPTH_RANGE}; got {depth!r}")
    return value


def check_resolution(resolution: object) -> int:
    """Input resolution in pixels: an integer in [1, 4096]."""
    if type(resolution) is int and 1 <= resolution <= MAX_RESOLUTION:
        return resolution
    if isinstance(resolution, bool) or not isinstance(resolution, Integral):
        raise ValueError(
            f"resolution must be {RESOLUTION_RANGE}; got {resolution!r} "
            f"({type(resolution).__name__})"
        )
    value = int(resolution)
    if not 1 <= value <= MAX_RESOLUTION:
        raise ValueError(f"resolution must be {RESOLUTION_RANGE}; got {resolution!r}")
    return value


def rho_range(reference: int) -> str:
    """The accepted range of ρ for a network whose reference input is ``reference`` px."""
    return f"a finite number > 0 with round({reference}·rho) in [1, {MAX_RESOLUTION}]"


def check_rho(rho: object, reference: int = 224) -> float:
    """Resolution multiplier ρ: a finite real > 0 whose input size round(reference·ρ) is in
    [1, 4096] pixels."""
    accepted = rho_range(reference)
    value = real_number("rho", rho, accepted)
    if not 0.0 < value <= (MAX_RESOLUTION + 0.5) / reference or not (
            1 <= round(reference * value) <= MAX_RESOLUTION):
        raise ValueError(f"rho must be {accepted}; got {rho!r}")
    return value


def resolve_resolution(rho: object | None, resolution: object | None,
                       reference: int = 224) -> tuple[float, int]:
    """(ρ, input size) from ``rho`` and/or ``resolution``; both given must agree.

    With neither, ρ = 1 and the reference size. With ``resolution`` alone,
    ρ = resolution / reference.
    """
    if resolution is None:
        value = 1.0 if rho is None else check_rho(rho, reference)
        return value, round(reference * value)
    size = check_resolution(resolution)
    if rho is not None:
        value = check_rho(rho, reference)
        if round(reference * value) != size:
            raise ValueError(
                f"rho and resolution disagree: round({reference}·{value:g}) = "
                f"{round(reference * value)}, not {size}; give one of them"
            )
        return value, size
    return size / reference, size


def check_classes(classes: object) -> int:
    """Number of classes: an integer in [1, 1,000,000]."""
    if isinstance(classes, bool) or not isinstance(classes, Integral) or not (
            1 <= int(classes) <= MAX_CLASSES):
        raise ValueError(f"num_classes must be {CLASSES_RANGE}; got {classes!r}")
    return int(classes)


def check_network(network: object) -> Network:
    """A network name (see :func:`costmodel.networks`) or a table from
    :func:`costmodel.load_network`; ``None`` is MobileNet v1."""
    if network is None:
        return get_network("mobilenet_v1")
    if isinstance(network, Network):
        return network
    if isinstance(network, str):
        return get_network(network)
    raise ValueError("network must be a name such as 'mobilenet_v2' (see costmodel.networks()) "
                     f"or a table from costmodel.load_network; got {type(network).__name__}")


@dataclass(frozen=True, kw_only=True)
class Configuration:
    """A validated configuration. ``rho`` is ``resolution / network.image_size`` unless it
    was given."""

    network: Network
    rules: RuleSet
    alpha: float
    depth: float
    rho: float
    resolution: int
    classes: int
    variant: str


def check_width_for(net: Network, alpha: float) -> None:
    """Refuse an α the network's builder does not offer: a timm network's name fixes its
    channel multiplier (``mixnet_l`` is 1.3), so only that α is its count."""
    if net.fixed_width and alpha != net.width:
        builder = ", ".join(net.rule_names)
        family = [name for name, base in TIMM_FAMILY_NAMES.items() if base == net.key]
        # the same table at its other widths (mobilenetv4_conv_small_035, _050)
        siblings = [f"{name} (α {get_network(name).width:g})" for name in NETWORK_NAMES
                    if net.key in NETWORK_NAMES and table_file(name) == table_file(net.key)
                    and get_network(name).width != net.width]
        hint = (f"; the family name {family[0]!r} takes any alpha" if family
                else f"; its other widths are {', '.join(siblings)}" if siblings else "")
        raise ValueError(f"alpha must be {net.width:g} for {net.title}: its builder ({builder}) "
                         f"fixes the channel multiplier by name; got {alpha:g}{hint}")


#: A validated configuration as a plain tuple (report()'s hot path): network, rules, α, depth,
#: ρ, input size, classes, variant, in :class:`Configuration`'s field order.
Resolved = tuple[Network, RuleSet, float, float, float, int, int, str]


def resolve_fields(
    *,
    network: object = None,
    alpha: object = None,
    rho: object = None,
    resolution: object = None,
    rules: object = None,
    num_classes: object = None,
    variant: object = "separable",
    depth: object = None,
) -> Resolved:
    """:func:`resolve` as a tuple in :class:`Configuration`'s field order (no dataclass to
    build: :func:`costmodel.report` calls this once per configuration)."""
    net = check_network(network)
    if rules is not None and not isinstance(rules, str):
        raise ValueError(f"rules must be one of {', '.join(net.rule_names)}; got {rules!r}")
    rule_set = net.rule_set(rules)
    alpha_value = net.width if alpha is None else check_alpha(alpha)
    if net.fixed_width:
        check_width_for(net, alpha_value)
    if depth is None:
        depth_value = net.depth
    else:
        depth_value = check_depth(depth)
        if not net.depth_scaling and depth_value != 1.0:
            raise ValueError(f"depth applies to networks with compound scaling (EfficientNet); "
                             f"{net.title} has none, so depth must be 1")
    if variant != "separable":
        if not isinstance(variant, str) or variant not in VARIANTS:
            raise ValueError(f"variant must be one of {', '.join(VARIANTS)}; got {variant!r}")
        if variant not in net.variants:
            raise ValueError(f"variant must be one of {', '.join(net.variants)} for "
                             f"{net.title} (full and shallow apply to MobileNet v1's separable "
                             f"pairs); got {variant!r}")
    rho_value, size = resolve_resolution(rho, resolution, net.image_size)
    classes = rule_set.classes if num_classes is None else check_classes(num_classes)
    return net, rule_set, alpha_value, depth_value, rho_value, size, classes, variant


def resolve(
    *,
    network: object = None,
    alpha: object = None,
    rho: object = None,
    resolution: object = None,
    rules: object = None,
    num_classes: object = None,
    variant: object = "separable",
    depth: object = None,
) -> Configuration:
    """Validate user arguments into a :class:`Configuration`.

    ``alpha`` and ``depth`` default to the network's (1, or an EfficientNet preset's);
    ``rules`` to the network's first rule set; ``num_classes`` to that rule set's.
    """
    net, rule_set, alpha_value, depth_value, rho_value, size, classes, kind = resolve_fields(
        network=network, alpha=alpha, rho=rho, resolution=resolution, rules=rules,
        num_classes=num_classes, variant=variant, depth=depth)
    return Configuration(network=net, rules=rule_set, alpha=alpha_value, depth=depth_value,
                         rho=rho_value, resolution=size, classes=classes, variant=kind)


__all__ = [
    "MAX_ALPHA",
    "MAX_CLASSES",
    "MAX_DEPTH",
    "MAX_RESOLUTION",
    "VARIANTS",
    "Configuration",
    "Resolved",
    "check_alpha",
    "check_classes",
    "check_depth",
    "check_network",
    "check_resolution",
    "check_rho",
    "check_width_for",
    "real_number",
    "resolve",
    "resolve_fields",
    "resolve_resolution",
    "rho_range",
]
