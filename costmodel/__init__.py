"""costmodel: exact, symbolic cost (Mult-Adds, parameters) of depthwise-separable CNNs, with
memory and latency: 118 networks (MobileNet v1-v4, MnasNet, EfficientNet and its variants,
MixNet, GhostNet, ShuffleNet v2, ConvNeXt, MobileOne, ...), each as its builder builds it.

Mult-Adds are multiply-accumulates of conv and fully connected layers (squeeze-and-excite 1×1
convs included); parameters are the weights and biases the network has, batchnorm folded. See
:data:`COUNTING_CONVENTION`.

The public names are imported on first use, so ``import costmodel`` stays light: sympy and
pandas load only when a symbolic expression or a table is asked for.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

_EXPORTS = {
    "report": "costmodel.reports",
    "Report": "costmodel.reports",
    "COUNTING_CONVENTION": "costmodel.base.kinds",
    "networks": "costmodel.descriptions.builtin_networks",
    "load_network": "costmodel.descriptions.network_tables",
    "load_architecture": "costmodel.descriptions.network_tables",
    "Network": "costmodel.descriptions.network_spec",
    "VARIANTS": "costmodel.descriptions.configuration",
    "derive": "costmodel.teaching.derivation",
    "formula_catalog": "costmodel.core.formulas",
    "kernel_scaling_mistake": "costmodel.teaching.kernel_scaling",
    "accuracy_data": "costmodel.literature.accuracy",
    "reconciliation": "costmodel.literature.accuracy",
    "accuracy_fits": "costmodel.literature.accuracy_model",
    "predict_accuracy": "costmodel.literature.accuracy_model",
    "frontier": "costmodel.hardware.latency_budget",
    "budget_curve": "costmodel.literature.budget",
    "sweep": "costmodel.core.sweeps",
    "profiles": "costmodel.hardware.device_profiles",
    "get_profile": "costmodel.hardware.device_profiles",
    "profile_from_spec": "costmodel.hardware.profile_spec",
    "fit_profile": "costmodel.hardware.profile_fit",
    "Profile": "costmodel.hardware.profile_spec",
    "calibrate": "costmodel.hardware.calibration",
    "measure": "costmodel.hardware.onnx_run",
    "Measurement": "costmodel.hardware.onnx_run",
    "measurements_frame": "costmodel.hardware.onnx_run",
    "fit_measured_profile": "costmodel.hardware.onnx_run",
}

__all__ = [
    "COUNTING_CONVENTION",
    "VARIANTS",
    "Measurement",
    "Network",
    "Profile",
    "Report",
    "accuracy_data",
    "accuracy_fits",
    "budget_curve",
    "calibrate",
    "derive",
    "fit_measured_profile",
    "fit_profile",
    "formula_catalog",
    "frontier",
    "get_profile",
    "kernel_scaling_mistake",
    "load_architecture",
    "load_network",
    "measure",
    "measurements_frame",
    "networks",
    "predict_accuracy",
    "profile_from_spec",
    "profiles",
    "reconciliation",
    "report",
    "sweep",
]

if TYPE_CHECKING:
    from costmodel.base.kinds import COUNTING_CONVENTION
    from costmodel.core.formulas import formula_catalog
    from costmodel.core.sweeps import sweep
    from costmodel.descriptions.builtin_networks import networks
    from costmodel.descriptions.configuration import VARIANTS
    from costmodel.descriptions.network_spec import Network
    from costmodel.descriptions.network_tables import load_architecture, load_network
    from costmodel.hardware.calibration import calibrate
    from costmodel.hardware.device_profiles import get_profile, profiles
    from costmodel.hardware.latency_budget import frontier
    from costmodel.hardware.onnx_run import (
        Measurement,
        fit_measured_profile,
        measure,
        measurements_frame,
    )
    from costmodel.hardware.profile_fit import fit_profile
    from costmodel.hardware.profile_spec import Profile, profile_from_spec
    from costmodel.literature.accuracy import accuracy_data, reconciliation
    from costmodel.literature.accuracy_model import accuracy_fits, predict_accuracy
    from costmodel.literature.budget import budget_curve
    from costmodel.reports import Report, report
    from costmodel.teaching.derivation import derive
    from costmodel.teaching.kernel_scaling import kernel_scaling_mistake


def __getattr__(name: str) -> Any:  # noqa: ANN401 -- lazy exports have many types
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'costmodel' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
