"""costmodel: exact, symbolic cost (Mult-Adds, parameters) of MobileNet v1 (Howard et al. 2017).

Mult-Adds are multiply-accumulates of conv and fully connected layers; parameters are conv
weights (batchnorm folded) plus FC weights and bias. See :data:`COUNTING_CONVENTION`.

The public names are imported on first use, so ``import costmodel`` stays light: sympy and
pandas load only when a symbolic expression or a table is asked for.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "report": "costmodel.reports",
    "Report": "costmodel.reports",
    "COUNTING_CONVENTION": "costmodel.kinds",
    "Kind": "costmodel.kinds",
    "mobilenet_v1": "costmodel.architecture",
    "cifar_mobilenet_v1": "costmodel.architecture",
    "load_architecture": "costmodel.layer_tables",
    "Architecture": "costmodel.architecture",
    "LayerSpec": "costmodel.architecture",
    "VARIANTS": "costmodel.architecture",
    "derive": "costmodel.api",
    "formula_catalog": "costmodel.formulas",
    "kernel_scaling_mistake": "costmodel.kernel_scaling",
    "accuracy_data": "costmodel.accuracy",
    "accuracy_fits": "costmodel.accuracy_model",
    "predict_accuracy": "costmodel.accuracy_model",
    "frontier": "costmodel.budget",
    "budget_curve": "costmodel.budget",
    "sweep": "costmodel.sweeps",
}

__all__ = [
    "COUNTING_CONVENTION",
    "VARIANTS",
    "Architecture",
    "Kind",
    "LayerSpec",
    "Report",
    "accuracy_data",
    "accuracy_fits",
    "budget_curve",
    "cifar_mobilenet_v1",
    "derive",
    "formula_catalog",
    "frontier",
    "kernel_scaling_mistake",
    "load_architecture",
    "mobilenet_v1",
    "predict_accuracy",
    "report",
    "sweep",
]

if TYPE_CHECKING:
    from costmodel.accuracy import accuracy_data
    from costmodel.accuracy_model import accuracy_fits, predict_accuracy
    from costmodel.api import derive
    from costmodel.architecture import (
        VARIANTS,
        Architecture,
        LayerSpec,
        cifar_mobilenet_v1,
        mobilenet_v1,
    )
    from costmodel.budget import budget_curve, frontier
    from costmodel.formulas import formula_catalog
    from costmodel.kernel_scaling import kernel_scaling_mistake
    from costmodel.kinds import COUNTING_CONVENTION, Kind
    from costmodel.layer_tables import load_architecture
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
