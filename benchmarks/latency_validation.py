"""Validation (a): every built-in fitted profile on the families it was not fitted on.

Each profile of ``costmodel.hardware.device_fit.BUILTIN_FITS`` is fitted on MobileNet v1 and/or
v2 rows of its device only, then predicts every other published row of that device. Beside it,
two baselines fitted on the same rows with exact counts: affine in Mult-Adds, and affine in
activations as fvcore counts them (conv and linear outputs). Per device and per family: MAPE and
Spearman (costmodel.hardware.latency_validation). Deterministic: no timing.

It also scores the model's variants that were tried and not kept (a full overhead per unfused
activation is not among them: it needs another model; see docs/latency.md), and the Pixel 1
scaled to the v3 paper's own v2 times (the TF-Lite of the v3 table).

Writes latency_validation.csv (the summary) and latency_validation_rows.csv (every row's
prediction).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import costmodel
from costmodel.base.kinds import (
    I9_TIMM_PROFILE,
    PIXEL1_PROFILE,
    PIXEL2_PROFILE,
    PIXEL3_PROFILE,
    LatencyKind,
)
from costmodel.hardware.device_fit import BUILTIN_FITS, BuiltinFit, Rows, measurements_frame
from costmodel.hardware.latency_validation import (
    HELD_OUT,
    baselines,
    counted,
    scale_fit,
    scores,
    summary,
    validation_rows,
)
from costmodel.hardware.profile_fit import (
    RATE_CLASS,
    fit_terms,
    measured_terms,
    read_measurements,
)

HERE = Path(__file__).resolve().parent
COLUMNS = ["device", "profile", "role", "family", "rows", "model_mape", "model_spearman",
           "mult_adds_mape", "mult_adds_spearman", "activations_mape", "activations_spearman",
           "target_pct", "met", "note"]


def _spec(name: str) -> BuiltinFit:
    return next(s for s in BUILTIN_FITS if s.name == name)


def _variant(name: str, profile: costmodel.Profile, label: str, note: str,
             families: tuple[str, ...] = ()) -> dict[str, object]:
    rows = validation_rows(name, profile)
    held = rows[rows["role"] == HELD_OUT]
    if families:
        held = held[held["family"].isin(families)]
    found = scores(held)
    return {"device": rows["device"].iloc[0], "profile": name, "role": "variant",
            "family": label, **found, "note": note}


def variants() -> list[dict[str, object]]:
    """The variants of the model scored on the same held-out rows."""
    out = []
    i9 = _spec(I9_TIMM_PROFILE)
    frame = measurements_frame(i9.fit)
    fused = costmodel.fit_profile(frame, name="i9-fused", fused_activations=True,
                                  max_flops=i9.max_flops, max_bandwidth=i9.max_bandwidth)
    out.append(_variant(I9_TIMM_PROFILE, fused, "activations fused (free)",
                        "h-swish, swish, sigmoid and GELU cost nothing"))
    samples = measured_terms(read_measurements(frame))
    per_kind = fit_terms(
        "i9-per-kind", samples, rate_class=RATE_CLASS,
        overhead_class={k: k for k in LatencyKind}, description="", provenance="",
        dtype="float32", fused_activations=False, max_bandwidth=i9.max_bandwidth,
        max_flops=i9.max_flops, invocation=True)
    # a full t0 per unfused activation: v1 and v2 have none, so the fit is the same profile
    profile = costmodel.get_profile(I9_TIMM_PROFILE)
    rows = validation_rows(I9_TIMM_PROFILE)
    held = rows[rows["role"] == HELD_OUT]
    overhead = profile.overhead["elementwise"] * 1e3
    found = scores(held.assign(model_ms=held["model_ms"] + overhead * held[
        "unfused_activations"]))
    out.append({"device": rows["device"].iloc[0], "profile": I9_TIMM_PROFILE,
                "role": "variant", "family": "a full t0 per unfused activation", **found,
                "note": f"each activation pass also costs t0 = {overhead * 1e3:.1f} µs (the fit "
                        f"on v1 and v2, which have none, is unchanged)"})
    assert per_kind.fit is not None
    out.append(_variant(I9_TIMM_PROFILE, per_kind, "one overhead per latency kind",
                        f"t0 for conv, pointwise, depthwise, fc and element-wise apart "
                        f"({per_kind.fit.free_parameters} unknowns on {per_kind.fit.points} "
                        f"rows)"))
    pixel1 = _spec(PIXEL1_PROFILE)
    fused1 = costmodel.fit_profile(measurements_frame(pixel1.fit), name="pixel1-fused",
                                   fused_activations=True, max_bandwidth=pixel1.max_bandwidth)
    out.append(_variant(PIXEL1_PROFILE, fused1, "activations fused (free), MobileNet v3 rows",
                        "h-swish and hard sigmoid cost nothing", ("MobileNet v3",)))
    for name in (PIXEL2_PROFILE, PIXEL3_PROFILE):
        scaled = costmodel.fit_profile(measurements_frame(_spec(name).fit),
                                       name=f"{name}-fused", like=fused1)
        out.append(_variant(name, scaled, "activations fused (free)",
                            "pixel1's fused variant, scaled the same way"))
    # The v3 table's TF-Lite: the v3 paper times V2 1.0 and 0.35 on the Pixel 1 too
    selection = Rows(file="mobilenet_v3_paper.csv", device="Pixel 1", networks=("mobilenet_v2",))
    era = costmodel.fit_profile(measurements_frame((selection,)), name="pixel1-v3-era",
                                like=PIXEL1_PROFILE)
    row = _variant(PIXEL1_PROFILE, era, "scaled to the v3 paper's Pixel 1 v2 times, "
                   "MobileNet v3 rows", "", ("MobileNet v3",))
    held = validation_rows(PIXEL1_PROFILE)
    held = held[(held["role"] == HELD_OUT) & (held["family"] == "MobileNet v3")]
    paper = counted((selection,), PIXEL1_PROFILE)
    for count in ("mult_adds", "activations"):  # the baselines scaled the same way
        a, b = baselines(PIXEL1_PROFILE)[count]
        factor = scale_fit([a * getattr(r, count) + b for r in paper],
                           [r.measured_ms for r in paper])
        found = scores(held.assign(**{f"{count}_ms": factor * (a * held[count] + b)}))
        row[f"{count}_mape"] = found[f"{count}_mape"]
        row[f"{count}_spearman"] = found[f"{count}_spearman"]
    scale = era.peak_flops["pointwise"] / costmodel.get_profile(PIXEL1_PROFILE).peak_flops[
        "pointwise"]
    row["note"] = (f"pixel1's times × {1 / scale:.3f}, one factor fitted to V2 1.0 (64 ms) and "
                   f"V2 0.35 (16.6 ms), which the README times at 73.8 and 19.7 ms; baselines "
                   f"scaled the same way")
    out.append(row)
    return out


def main() -> None:
    rows = pd.concat([validation_rows(spec.name) for spec in BUILTIN_FITS], ignore_index=True)
    table = summary(rows)
    table["note"] = ""
    for spec in BUILTIN_FITS:
        if spec.not_comparable_reason:
            table.loc[(table["profile"] == spec.name) & (table["role"] == "not comparable"),
                      "note"] = spec.not_comparable_reason
    table = pd.concat([table, pd.DataFrame(variants())], ignore_index=True)[COLUMNS]
    table.to_csv(HERE / "latency_validation.csv", index=False, float_format="%.6g")
    rows.to_csv(HERE / "latency_validation_rows.csv", index=False, float_format="%.6g")
    shown = table[table["family"].isin(["all held out"]) | (table["role"] == "variant")]
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(shown.drop(columns=["device", "note"]).round(2).to_string(index=False))


if __name__ == "__main__":
    main()
