"""Issue 18 (hard edges, round three): each case gets the right number or a clear ValueError
naming the field and the range. Expected numbers are hand counts written out in the comments
(Mult-Adds = k²·C_in/groups·C_out·H_out², params = k²·C_in/groups·C_out (+ C_out for a bias));
they are not computed by the code under test."""

from __future__ import annotations

import pytest

import costmodel
from costmodel.base.formatting import markdown_code, markdown_text
from costmodel.descriptions.widths import AS_WRITTEN

# --- 1. expand_if=larger: no expansion conv, the depthwise conv runs on the block's input -----

# b2 has 24 input channels and an inner width below that; TF-slim's expanded_conv builds no
# expansion conv there (``if inner_size > net.shape[3]``), so its depthwise conv and its
# projection run on the 24 input channels.
LARGER_TABLE = """# title: larger rule
# image_size: 32
# classes: 10
{rule}
operator,t,exp,c,n,s,k
conv,,,16,1,2,3
ir,6,,24,1,2,3
ir,{t},{exp},32,1,2,3
pool,,,,,,
classifier,,,classes,,,
"""
# Hand count at α = 1, 32 px ('SAME': 32 → 16 → 8 → 4):
#   stem       3×3, 3 → 16 at 16×16:   9·3·16·256 = 110,592   params 9·3·16  =   432
#   b1.expand  1×1, 16 → 96 at 16×16: 16·96·256   = 393,216   params 16·96   = 1,536
#   b1.dw      3×3 on 96, s2 → 8×8:    9·96·64    =  55,296   params 9·96    =   864
#   b1.project 1×1, 96 → 24 at 8×8:   96·24·64    = 147,456   params 96·24   = 2,304
#   b2.dw      3×3 on 24, s2 → 4×4:    9·24·16    =   3,456   params 9·24    =   216
#   b2.project 1×1, 24 → 32 at 4×4:   24·32·16    =  12,288   params 24·32   =   768
#   classifier 32 → 10 with bias:      32·10      =     320   params 320 + 10 =  330
#   total                                           722,624                    6,450
# (Counting b2 on its inner width, 16 channels, as before the fix, gives 2,304 + 8,192
# instead of 3,456 + 12,288: 717,376 Mult-Adds.)
LARGER_MULT_ADDS = 722_624
LARGER_PARAMS = 6_450


@pytest.mark.parametrize(("rule", "t", "exp"), [
    ("# expand_if: larger", "0.5", ""),     # make_divisible(24·0.5, 8) = 16 ≤ 24
    ("# expand_if: larger", "0.25", ""),    # make_divisible(24·0.25, 8) = 8 ≤ 24
    ("# expand_if: larger", "", "8"),       # exp = 8 ≤ 24
    ("# rules.tf: expand_if=larger", "0.5", ""),
], ids=["t=0.5", "t=0.25", "exp=8", "rule-set"])
def test_expand_if_larger_runs_the_depthwise_conv_on_the_input(rule: str, t: str,
                                                                exp: str) -> None:
    net = costmodel.load_network(LARGER_TABLE.format(rule=rule, t=t, exp=exp).encode())
    r = costmodel.report(network=net)
    assert (r.mult_adds, r.params) == (LARGER_MULT_ADDS, LARGER_PARAMS)
    layers = r.layers.set_index("name")
    assert "b2.expand" not in layers.index
    # the chain is possible: what b1 writes is what b2's depthwise conv reads
    assert layers.loc["b1.project", "out_c"] == layers.loc["b2.dw", "in_c"] == 24
    assert layers.loc["b2.project", "in_c"] == 24
    # the sweep (arrays) and the closed form (sympy) take the same rule
    s = costmodel.sweep([1.0, 0.5], [32], network=net)
    assert int(s.mult_adds[0, 0]) == LARGER_MULT_ADDS
    assert int(s.mult_adds[1, 0]) == costmodel.report(0.5, network=net).mult_adds
    assert r.closed_form.mult_adds > 0
    derivation = costmodel.derive("b2.dw", network=net)
    assert derivation.mult_adds == 3_456 and "max(" in str(derivation)


def test_expand_if_larger_where_the_block_widens_keeps_its_expansion() -> None:
    # t = 2 from 24 channels: make_divisible(48, 8) = 48 > 24, the expansion conv exists:
    # b2.expand 24·48·8² = 73,728; b2.dw 9·48·16 = 6,912; b2.project 48·32·16 = 24,576
    net = costmodel.load_network(
        LARGER_TABLE.format(rule="# expand_if: larger", t="2", exp="").encode())
    layers = costmodel.report(network=net).layers.set_index("name")
    assert layers.loc["b2.expand", "mult_adds"] == 73_728
    assert layers.loc["b2.dw", "mult_adds"] == 6_912
    assert layers.loc["b2.project", "mult_adds"] == 24_576


# --- 3. a user's table at α = 1 is counted as written; the classes never scale ---------------

LAYER_TABLE = """name,kind,kernel,stride,in_channels,out_channels,input_size
c1,conv,3,2,3,4,8
dw,depthwise,3,1,4,4,
pw,pointwise,1,1,4,6,
p,avgpool,1,1,6,6,
fc,fc,1,1,6,10,
"""
# Hand count at α = 1, 8 px (8 → 4 after c1), the widths as written (4 and 6, not 8):
#   c1 3×3, 3 → 4 at 4×4: 9·3·4·16 = 1,728, params 108; dw 3×3 on 4: 9·4·16 = 576, params 36;
#   pw 4 → 6: 4·6·16 = 384, params 24; fc 6 → 10 with bias: 60, params 70.
#   Total 2,748 Mult-Adds, 238 params. (Raising 4 and 6 to TF-slim's minimum of 8 gave
#   3·9·8·16 + 9·8·16 + 8·8·16 + 8·10 = 5,712.)


def test_layer_table_at_alpha_1_is_counted_as_written() -> None:
    net = costmodel.load_network(LAYER_TABLE.encode(), name="small.csv")
    r = costmodel.report(network=net)
    assert (r.mult_adds, r.params) == (2_748, 238)
    assert list(r.layers["out_c"]) == [4, 4, 6, 6, 10]
    # at α = 0.5 the minimum is the written width (4, 6), not 8: nothing grows above α = 1
    half = costmodel.report(0.5, network=net)
    assert (half.mult_adds, half.params) == (2_748, 238)
    # the rule is stated where the numbers are shown
    assert AS_WRITTEN in str(r) and markdown_text(AS_WRITTEN) in r.to_markdown()
    assert r.to_dict()["width_rule"] == r.width_rule
    assert "as the table writes it" in str(costmodel.derive("pw", network=net))
    assert "max(int(0.5·6), 6) = 6" in str(costmodel.derive("pw", 0.5, network=net))


BLOCK_TABLE = """# image_size: 8
# classes: 10
operator,c,k,s
conv,4,3,2
conv,12,1,1
pool,,,
conv,10,1,1
"""
# Hand count at α = 1 (8 → 4 px): conv 3×3, 3 → 4: 9·3·4·16 = 1,728, params 108; conv 1×1,
# 4 → 12: 4·12·16 = 768, params 48; the last 1×1 conv after the pool gives the 10 classes:
# 12·10 = 120, params 120 (a conv row: batchnorm, no bias). 2,616 Mult-Adds, 276 params.
# At α = 0.5, make_divisible with its minimum lowered to the written width: 0.5·4 = 2 → 4;
# 0.5·12 = 6 → 8; the classes stay 10: 1,728 + 4·8·16 + 8·10 = 2,320, params 108 + 32 + 80 =
# 220.


def test_block_table_written_widths_and_a_final_conv_to_the_classes() -> None:
    net = costmodel.load_network(BLOCK_TABLE.encode())
    r = costmodel.report(network=net)
    assert (r.mult_adds, r.params, r.classes) == (2_616, 276, 10)
    half = costmodel.report(0.5, network=net)
    assert (half.mult_adds, half.params) == (2_320, 220)
    assert list(half.layers["out_c"]) == [4, 8, 8, 10]


def test_final_conv_disagreeing_with_the_classes_line_is_refused() -> None:
    with pytest.raises(ValueError, match=r"line 7: the last row gives the classes .* c=10 "
                                         r"must agree with '# classes: 1000'"):
        costmodel.load_network(BLOCK_TABLE.replace("# classes: 10", "# classes: 1000")
                               .encode())


@pytest.mark.parametrize("name", ["mobilenet_v1", "mobilenet_v2", "mobilenet_v3_large",
                                  "mnasnet_a1", "efficientnet_b0"])
def test_a_builtin_table_loaded_as_ones_own_counts_the_same(name: str) -> None:
    # the built-in tables' written widths are multiples of 8 (≥ 8): the rule changes nothing
    from costmodel.descriptions.builtin_networks import _BUILTIN, read_data_text

    own = costmodel.load_network(read_data_text(f"networks/{_BUILTIN[name][0]}").encode())
    for alpha in (1.0, 0.35, 0.75, 1.4):
        mine, builtin = (costmodel.report(alpha, network=n, resolution=160)
                         for n in (own, name))
        assert (mine.mult_adds, mine.params) == (builtin.mult_adds, builtin.params)


def test_docs_state_the_rule() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "tables.md").read_text("utf-8")
    assert AS_WRITTEN in text


# --- 9. generated names are unique ------------------------------------------------------------

def test_two_unnamed_convs_after_the_last_block_get_unique_names() -> None:
    net = costmodel.load_network(b"operator,t,c,k,s\nconv,,16,3,2\nir,6,24,3,2\nconv,,64,1,1\n"
                                 b"pool,,,,\nconv,,10,1,1\n")
    assert list(costmodel.report(network=net).layers["name"])[-3:] == ["head", "pool",
                                                                       "head_2"]


# --- 12. every header key is validated --------------------------------------------------------

@pytest.mark.parametrize(("header", "message"), [
    ("# depth_scaling: maybe", r"line 1: depth_scaling must be yes or no; got 'maybe'"),
    ("# rules.: classes=10", r"line 1: a rule set's name \(rules.NAME\) must be 1-64 letters"),
    ("# rules.t f: classes=10", r"a rule set's name .* got 't f'"),
    ("# rules.x.source: y", r"line 1: 'rules.x.source' describes 'rules.x', which no line "
                            r"defines"),
    ("# preset.: width=1 depth=1 resolution=224", r"a preset's key \(preset.NAME\) must be"),
    ("# rounding: exact", r"line 1: rounding must be one of make_divisible, truncate, "
                          r"make_divisible_4; got 'exact'"),
    ("# title:", r"line 1: title must not be empty"),
    ("# key: my key", r"line 1: key must be 1-64 letters"),
    ("# title: a\x1b[31mred", r"line 1: title must be printable text; it holds the control "
                              r"character U\+001B"),
], ids=["depth_scaling", "empty-rule-name", "rule-name-space", "orphan-source",
        "empty-preset", "rounding-exact", "empty-title", "key-space", "escape-in-title"])
def test_header_keys_with_bad_values_are_refused(header: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        costmodel.load_network(f"{header}\noperator,c,k,s\nconv,8,3,2\n".encode())


def test_depth_scaling_yes_and_no_are_read() -> None:
    for text, expected in (("yes", True), ("no", False), ("True", True), ("0", False)):
        net = costmodel.load_network(f"# depth_scaling: {text}\noperator,c,k,s\nconv,8,3,2\n"
                                     .encode())
        assert net.depth_scaling is expected


def test_control_characters_in_names_are_refused() -> None:
    # U+202E (right-to-left override) would show a name other than the one counted
    with pytest.raises(ValueError, match=r"line 2: name must be printable text; it holds the "
                                         r"control character U\+202E"):
        costmodel.load_network("operator,c,k,s,name\nconv,8,3,2,a\u202eb\n".encode())


# --- 2. a profile's rates lie in a physical range; every latency is finite --------------------

def _rates(rate: float) -> dict[str, float]:
    return {"conv": rate, "pointwise": rate, "depthwise": rate, "fc": rate}


@pytest.mark.parametrize("rate", [5e-324, 1e-300, 999.0, 1e19], ids=repr)
def test_rates_outside_the_physical_range_are_refused(rate: float) -> None:
    from costmodel.hardware.profile_spec import LATENCY_KINDS, Profile

    overhead = dict.fromkeys(LATENCY_KINDS, 0.0)
    with pytest.raises(ValueError, match=r"peak_flops\['conv'\] \(FLOP/s\) must be a finite "
                                         r"number in \[1e\+03, 1e\+18\]"):
        Profile(name="x", description="", provenance="", peak_flops=_rates(rate),
                bandwidth=1e9, overhead=overhead)
    with pytest.raises(ValueError, match=r"bandwidth \(bytes/s\) must be a finite number in "
                                         r"\[1e\+03, 1e\+18\]"):
        Profile(name="x", description="", provenance="", peak_flops=_rates(1e9),
                bandwidth=rate, overhead=overhead)
    with pytest.raises(ValueError, match=r"peak_gflops \(GFLOP/s\) must be a finite number"):
        costmodel.profile_from_spec("x", rate / 1e9, 1.0)


def test_a_saved_profile_with_a_tiny_rate_is_refused_by_name(
        tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    import json
    from pathlib import Path

    monkeypatch.setenv("COSTMODEL_PROFILES", str(tmp_path))
    data = json.loads(costmodel.profile_from_spec("tiny", 10.0, 1.0).to_json())
    data["bandwidth"] = 5e-324
    (Path(str(tmp_path)) / "tiny.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match=r"profile 'tiny' .* cannot be used: bandwidth "
                                         r"\(bytes/s\) must be a finite number in "
                                         r"\[1e\+03, 1e\+18\]; got 5e-324"):
        costmodel.report().latency("tiny")
    assert "tiny" not in {p.name for p in costmodel.profiles()}


def test_latency_at_the_slowest_rates_is_finite() -> None:
    import math

    slowest = costmodel.profile_from_spec("slow", 1e-6, 1e-6, overhead_us=1e7)
    estimate = costmodel.report(4.0, resolution=4096, network="efficientnet_b3",
                                depth=8.0).latency(slowest)
    assert math.isfinite(estimate.total_ms) and estimate.total_ms > 0
    assert estimate.layers["time_pct"].map(math.isfinite).all()
    assert estimate.share_by_kind["time_pct"].map(math.isfinite).all()


# --- 4. a calibration's name is checked before measuring -------------------------------------

@pytest.mark.parametrize("name", ["x" * 300, "../x", "a/b", "", "-x", "pixel1"],
                         ids=["300-chars", "parent", "slash", "empty", "dash-first", "builtin"])
def test_calibrate_refuses_a_bad_name_before_measuring(
        name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from costmodel.hardware import calibration
    from costmodel.presentation.cli import main

    def measured(*args: object) -> float:
        raise AssertionError("measured before checking the name")

    monkeypatch.setattr(calibration, "_median_seconds", measured)
    monkeypatch.setattr(calibration, "_ladder", measured)
    with pytest.raises(ValueError, match=r"profile name must (be 1-64 letters|not be a built-in)"):
        costmodel.calibrate(name)
    assert main(["calibrate", "--name", name]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("costmodel: error: profile name must")
    assert len(err[0]) < 400  # a 300-character name is shortened


# --- 5. a full or closed standard output: one line, exit 1, for every command -----------------

@pytest.mark.parametrize("argv", [["report"], ["layers"], ["networks"], ["profiles"],
                                  ["sweep", "--alphas", "0.5", "--resolutions", "224"],
                                  ["--help"], ["report", "--help"]],
                         ids=lambda argv: " ".join(argv))
def test_a_full_standard_output_is_one_line(argv: list[str]) -> None:
    import subprocess
    import sys

    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "costmodel.presentation.cli", *argv],
                                stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "costmodel: error: cannot write to standard output: No space left on device"]


def test_a_closed_pipe_is_one_line() -> None:
    import subprocess
    import sys

    # the reader takes nothing and closes: the per-layer CSV meets a broken pipe
    result = subprocess.run(f"{sys.executable} -m costmodel.presentation.cli layers | true",
                            shell=True, stderr=subprocess.PIPE, text=True, timeout=120)
    lines = result.stderr.strip().splitlines()
    assert lines in ([], ["costmodel: error: cannot write to standard output: Broken pipe "
                          "(the reader closed it)"])  # [] where all fit the pipe first
    assert "Traceback" not in result.stderr


# --- 6. a report never needs the profiles folder; calibrate says when it cannot write ---------

def test_a_report_does_not_create_or_read_the_profiles_folder(
        tmp_path: object, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from pathlib import Path

    from costmodel.hardware import profile_spec
    from costmodel.presentation.cli import main

    folder = Path(str(tmp_path)) / "not-yet" / "profiles"
    monkeypatch.setenv("COSTMODEL_PROFILES", str(folder))
    out = Path(str(tmp_path)) / "r.txt"
    for argv in (["report", "--out", str(out)], ["latency"], ["memory"],
                 ["report", "--format", "markdown"]):
        assert main(argv) == 0
    assert not folder.exists()

    def unreadable() -> Path:
        raise AssertionError("a report read the profiles folder")

    monkeypatch.setattr(profile_spec, "profiles_dir", unreadable)
    assert main(["report", "--out", str(out)]) == 0
    capsys.readouterr()


def test_an_unwritable_profiles_folder_is_one_line_before_measuring(
        tmp_path: object, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from pathlib import Path

    from costmodel.hardware import calibration
    from costmodel.hardware.profile_spec import ProfilesFolderError
    from costmodel.presentation.cli import main

    blocker = Path(str(tmp_path)) / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("COSTMODEL_PROFILES", str(blocker / "profiles"))  # under a file

    def measured(*args: object) -> float:
        raise AssertionError("measured before checking the folder")

    monkeypatch.setattr(calibration, "_median_seconds", measured)
    with pytest.raises(ProfilesFolderError, match=r"cannot save a profile: the profiles folder "
                                                  r".* cannot be created or written"):
        costmodel.calibrate("mine")
    assert main(["calibrate", "--name", "mine"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "COSTMODEL_PROFILES" in err[0]


def test_an_unreadable_profiles_folder_is_one_line(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from pathlib import Path

    from costmodel.hardware import profile_spec
    from costmodel.presentation.cli import main

    class Locked(type(Path())):  # type: ignore[misc]
        def is_dir(self) -> bool:
            raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(profile_spec, "profiles_dir", lambda: Locked("/locked/profiles"))
    assert main(["profiles"]) == 1
    assert main(["latency", "--profile", "mine"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["costmodel: error: the profiles folder '/locked/profiles' cannot be read "
                   "(Permission denied); set COSTMODEL_PROFILES to a readable folder"] * 2
    assert main(["latency", "--profile", "pixel1"]) == 0  # a built-in one never reads it


# --- 7. an enormous range is refused by its size ---------------------------------------------

def test_a_range_of_10_to_the_616_values_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    from costmodel.presentation.cli import main

    # (1e308 − 0) / 1e-308 = 1e616 steps: far above the 10,000,000 a range may hold
    assert main(["sweep", "--alphas", "0:1e308:1e-308", "--resolutions", "224"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["costmodel: error: alphas would hold 1.000e+616 values ('0:1e308:1e-308'); "
                   "at most 10,000,000 (a range start:stop:step with (stop − start) / step < "
                   "10,000,000)"]


# --- 10. a saved profile may not take a built-in profile's name -------------------------------

def test_a_saved_profile_named_like_a_builtin_one_is_refused_and_ignored(
        tmp_path: object, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from dataclasses import replace
    from pathlib import Path

    from costmodel.hardware.profile_spec import save_profile
    from costmodel.presentation.cli import main

    monkeypatch.setenv("COSTMODEL_PROFILES", str(tmp_path))
    fake = replace(costmodel.profile_from_spec("x", 1.0, 1.0), name="pixel1")
    with pytest.raises(ValueError, match=r"profile name must not be a built-in profile's "
                                         r"\(pixel1, i9-10940x-spec, pixel2, pixel3, "
                                         r"pixel3-4threads, pixel4-4threads, "
                                         r"i9-10940x-timm\)"):
        save_profile(fake)
    # a file written by hand is not used, and says why
    (Path(str(tmp_path)) / "pixel1.json").write_text(fake.to_json(), encoding="utf-8")
    names = [p.name for p in costmodel.profiles()]
    assert names.count("pixel1") == 1
    assert costmodel.get_profile("pixel1").fit is not None  # the built-in, fitted one
    assert main(["profiles"]) == 0
    out = capsys.readouterr().out
    assert "pixel1.json: a saved profile may not take a built-in profile's name" in out


# --- 14. the command line names an unknown option first --------------------------------------

@pytest.mark.parametrize(("argv", "expected"), [
    (["sweep", "--bogus-flag"], "costmodel: error: unrecognized arguments: --bogus-flag (and "
                                "the following arguments are required: --alphas, "
                                "--resolutions) (see --help)"),
    (["report", "--bogus", "--alpha", "0.5"], "costmodel: error: unrecognized arguments: "
                                              "--bogus (see --help)"),
])
def test_an_unknown_option_is_named_first(argv: list[str], expected: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from costmodel.presentation.cli import main

    assert main(argv) == 2
    assert capsys.readouterr().err.strip().splitlines() == [expected]


def test_abbreviated_and_negative_values_are_not_unknown_options(
        capsys: pytest.CaptureFixture[str]) -> None:
    from costmodel.presentation.cli import main

    assert main(["sweep", "--alph", "0.5", "--resolutions", "224"]) == 0
    assert main(["report", "--alpha", "-1"]) == 2
    assert "alpha must be" in capsys.readouterr().err


# --- 8. a table without blocks: each view says what it can show --------------------------------

NO_BLOCKS = b"operator,c,k,s\nconv,8,3,2\npool,,,\nclassifier,classes,,\n"


def test_a_table_without_blocks_has_no_lesson_and_says_why() -> None:
    from costmodel.teaching.lesson import build_lesson, lesson_blocks, no_lesson

    net = costmodel.load_network(NO_BLOCKS, name="convs")
    assert lesson_blocks(net) == ()
    assert "The lesson explains one block at a time" in no_lesson(net)
    with pytest.raises(ValueError, match=r"convs has none"):
        build_lesson(network=net)
    assert no_lesson("mobilenet_v2") == ""


def test_a_table_without_blocks_is_asked_only_what_applies() -> None:
    from costmodel.teaching.exercises import ExerciseKind, exercise_kinds, make_exercise

    net = costmodel.load_network(NO_BLOCKS, name="convs")
    reasons = exercise_kinds(network=net)
    # one conv (3 → 8, stride 2) and a classifier: no 1×1 conv on a map, no separable pair
    assert reasons[ExerciseKind.HALVING_ALPHA] == ("it needs 1×1 convs on a feature map, and "
                                                   "this network has none")
    assert reasons[ExerciseKind.SEPARABLE_SAVING].startswith("it needs a depthwise conv")
    assert not reasons[ExerciseKind.LAYER_MULT_ADDS] and not reasons[ExerciseKind.FEATURE_MAP]
    with pytest.raises(ValueError, match=r"kind halving_alpha does not apply to convs: it "
                                         r"needs 1×1 convs"):
        make_exercise(1, kind="halving_alpha", network=net)
    for seed in range(30):
        assert make_exercise(seed, network=net).kind not in (ExerciseKind.HALVING_ALPHA,
                                                             ExerciseKind.SEPARABLE_SAVING)
    # the built-in networks keep every kind of the original six, and the seeds their questions
    # (the later block types' kinds need a grouped conv, a shuffle unit, a ghost module or a
    # fused block, which MobileNet v1 has not)
    original = {ExerciseKind.LAYER_MULT_ADDS, ExerciseKind.LAYER_PARAMS,
                ExerciseKind.HALVING_ALPHA, ExerciseKind.SEPARABLE_SAVING,
                ExerciseKind.FEATURE_MAP, ExerciseKind.MOST_PARAMS}
    v1 = exercise_kinds(network="mobilenet_v1")
    assert not any(v1[kind] for kind in original)
    assert all(v1[kind] for kind in set(ExerciseKind) - original)


# --- 11. user text is escaped in every output format -----------------------------------------

HOSTILE = "<img src=x onerror=alert(1)> [x](javascript:alert(1)) *b* `c` a|b"


def test_user_text_is_escaped_in_markdown_html_latex_and_plots() -> None:
    import re

    from costmodel.base.formatting import frame_to_markdown
    from costmodel.presentation import plots

    table = f"# title: {HOSTILE}\noperator,c,k,s,name\nconv,8,3,2,<b>x</b>\n".encode()
    r = costmodel.report(network=costmodel.load_network(table))
    for markdown in (r.to_markdown(), r._repr_markdown_(), frame_to_markdown(r.layers)):
        assert "<" not in markdown  # no tag reaches the renderer
        assert not re.search(r"(?<!\\)\]\(", markdown)  # no link
        assert not re.search(r"(?<!\\)`", markdown)  # no code span
    assert markdown_text(HOSTILE) in r.to_markdown()
    assert "&lt;b&gt;x&lt;/b&gt;" in frame_to_markdown(r.layers)
    assert "<img" not in r._repr_html_() and "&lt;img" in r._repr_html_()
    latex = costmodel.report(network=costmodel.load_network(
        b"# title: $\\input{/etc/passwd}%\noperator,c,k,s\nconv,8,3,2\n")).to_latex()
    assert "\\$\\textbackslash{}input\\{/etc/passwd\\}\\%" in latex
    figure = plots.layers_figure(r)
    assert "&lt;img" in figure.layout.title.text and "<img" not in figure.layout.title.text
    assert "&lt;b&gt;x&lt;/b&gt;" in list(figure.data[-1].x)


def test_markdown_text_leaves_plain_words_alone() -> None:
    assert markdown_text("MobileNet v2 (α = 0.75), b3.dw") == "MobileNet v2 (α = 0.75), b3.dw"
    assert markdown_text("a_b [c] <d> & e") == "a\\_b \\[c\\] &lt;d&gt; &amp; e"
    # a dollar starts a formula in Streamlit's Markdown: escaped, a layer named $x$ shows so
    assert markdown_text("cost $5 or $x$") == "cost \\$5 or \\$x\\$"


def test_markdown_code_cannot_be_closed_by_the_text_it_shows() -> None:
    # the lesson's PyTorch lines go into its Markdown as a fenced block; an operand named
    # after an uploaded table's tensor could hold backticks
    assert markdown_code(["nn.Conv2d(32, 64, 1)"]) == "```python\nnn.Conv2d(32, 64, 1)\n```"
    block = markdown_code(["x + y", "a ```` b", "`"])
    assert block.startswith("`````python\n") and block.endswith("\n`````")
    assert block[len("`````python\n"):-len("\n`````")] == "x + y\na ```` b\n`"


# --- 13. frontier(): a network listed twice, and exact ties -----------------------------------

def test_pareto_mask_keeps_exact_ties_together() -> None:
    from costmodel.literature.budget import pareto_mask

    # (cost, score): A (1, 5) and E (1, 5) tie exactly: neither is better, both are on it;
    # B and C (2, 6) tie too and beat everything cheaper; D (3, 6) costs more than B for the
    # same score: dominated.
    cost = [1.0, 2.0, 2.0, 3.0, 1.0]
    score = [5.0, 6.0, 6.0, 6.0, 5.0]
    assert pareto_mask(cost, score).tolist() == [True, True, True, False, True]
    # (1, 4) beside (1, 5): same cost, lower score: dominated
    assert pareto_mask([1.0, 1.0], [5.0, 4.0]).tolist() == [True, False]


def test_frontier_lists_a_network_once() -> None:
    once = costmodel.frontier(max_mult_adds=300e6, networks=["mobilenet_v1"])
    twice = costmodel.frontier(max_mult_adds=300e6, networks=["mobilenet_v1", "mobilenet_v1"])
    assert len(twice) == len(once)
    assert not twice.duplicated(["network", "alpha", "resolution"]).any()
    repeated = costmodel.frontier(alphas=[0.5, 0.5], resolutions=[160, 160])
    assert len(repeated) == 1


# --- 15. sweep() takes a number or a 1-D sequence --------------------------------------------

@pytest.mark.parametrize(("alphas", "resolutions", "message"), [
    ([[0.5, 1.0]], [224], r"alphas must be a number or a 1-D sequence of numbers in \(0, 4\]; "
                          r"got a 2-D array of shape \(1, 2\)"),
    ([0.5], [[224], [160]], r"resolutions must be an integer or a 1-D sequence of integers in "
                            r"\[1, 4096\]; got a 2-D array of shape \(2, 1\)"),
])
def test_sweep_refuses_a_2d_array(alphas: object, resolutions: object, message: str) -> None:
    import numpy as np

    with pytest.raises(ValueError, match=message):
        costmodel.sweep(np.array(alphas), np.array(resolutions))
    with pytest.raises(ValueError, match=message):
        costmodel.frontier(alphas=np.array(alphas), resolutions=np.array(resolutions))


def test_sweep_takes_a_number() -> None:
    s = costmodel.sweep(0.5, 160)
    # TF-slim mobilenet_v1.md: MobileNet_v1_0.5_160, 76 M MACs (exact: 76,524,800)
    assert s.mult_adds.tolist() == [[76_524_800]]


# --- 1 and 3 across the package: the sweep (arrays) and report() (scalars) agree -------------

@pytest.mark.parametrize("table", [
    BLOCK_TABLE, LAYER_TABLE,
    LARGER_TABLE.format(rule="# expand_if: larger", t="0.5", exp=""),
    # exp and se written, widths under 8 and not multiples of 8
    "# se_squeeze: expanded\noperator,t,exp,c,k,s,se\nconv,,,10,3,2,\nir,,30,12,3,1,0.25\n"
    "ir,2.5,,20,5,2,0.25\npool,,,,,,\nfc,,,6,,,\n",
], ids=["block", "layer", "larger", "exp-se"])
def test_sweep_equals_report_around_alpha_1(table: str) -> None:
    import numpy as np

    net = costmodel.load_network(table.encode())
    alphas = np.array([0.05, 0.3, 0.5, 0.99, np.nextafter(1.0, 0.0), 1.0,
                       np.nextafter(1.0, 2.0), 1.01, 1.5, 2.0])
    sizes = np.array([8, 33, 64])
    grid = costmodel.sweep(alphas, sizes, network=net)
    paired = costmodel.sweep(np.repeat(alphas, sizes.size), np.tile(sizes, alphas.size),
                             network=net, paired=True)
    for i, alpha in enumerate(alphas):
        for j, size in enumerate(sizes):
            r = costmodel.report(float(alpha), resolution=int(size), network=net)
            assert (int(grid.mult_adds[i, j]), int(grid.params[i])) == (r.mult_adds, r.params)
            k = i * sizes.size + j
            assert (int(paired.mult_adds[k]), int(paired.params[k])) == (r.mult_adds, r.params)
