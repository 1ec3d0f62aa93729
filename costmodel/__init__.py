"""costmodel: exact, symbolic cost (Mult-Adds, parameters) of depthwise-separable CNNs:
MobileNet v1, v2, v3, MnasNet-A1 and EfficientNet B0-B3, each as its builders build it.

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
    "COUNTING_CONVENTION": "costmodel.kinds",
    "networks": "costmodel.builtin_networks",
    "load_network": "costmodel.network_tables",
    "load_architecture": "costmodel.network_tables",
    "Network": "costmodel.network_spec",
    "VARIANTS": "costmodel.configuration",
    "derive": "costmodel.derivation",
    "formula_catalog": "costmodel.formulas",
    "kernel_scaling_mistake": "costmodel.kernel_scaling",
    "accuracy_data": "costmodel.accuracy",
    "reconciliation": "costmodel.accuracy",
    "accuracy_fits": "costmodel.accuracy_model",
    "predict_accuracy": "costmodel.accuracy_model",
    "frontier": "costmodel.budget",
    "budget_curve": "costmodel.budget",
    "sweep": "costmodel.sweeps",
    "profiles": "costmodel.device_profiles",
    "get_profile": "costmodel.device_profiles",
    "profile_from_spec": "costmodel.profile_spec",
    "Profile": "costmodel.profile_spec",
    "calibrate": "costmodel.calibration",
}

__all__ = [
    "COUNTING_CONVENTION",
    "VARIANTS",
    "Network",
    "Profile",
    "Report",
    "accuracy_data",
    "accuracy_fits",
    "budget_curve",
    "calibrate",
    "derive",
    "formula_catalog",
    "frontier",
    "get_profile",
    "kernel_scaling_mistake",
    "load_architecture",
    "load_network",
    "networks",
    "predict_accuracy",
    "profile_from_spec",
    "profiles",
    "reconciliation",
    "report",
    "sweep",
]

if TYPE_CHECKING:
    from costmodel.accuracy import accuracy_data, reconciliation
    from costmodel.accuracy_model import accuracy_fits, predict_accuracy
    from costmodel.budget import budget_curve, frontier
    from costmodel.builtin_networks import networks
    from costmodel.calibration import calibrate
    from costmodel.configuration import VARIANTS
    from costmodel.derivation import derive
    from costmodel.device_profiles import get_profile, profiles
    from costmodel.formulas import formula_catalog
    from costmodel.kernel_scaling import kernel_scaling_mistake
    from costmodel.kinds import COUNTING_CONVENTION
    from costmodel.network_spec import Network
    from costmodel.network_tables import load_architecture, load_network
    from costmodel.profile_spec import Profile, profile_from_spec
    from costmodel.reports import Report, report
    from costmodel.sweeps import sweep


def __getattr__(name: str) -> Any:  # noqa: ANN401 -- lazy exports have many types
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'costmodel' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
