"""`import costmodel` and the totals path stay light: no sympy, pandas or plotly until asked."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys
import costmodel
after_import = sorted(m for m in ("sympy", "pandas", "plotly", "numpy") if m in sys.modules)
r = costmodel.report(0.5, resolution=160)
assert r.mult_adds == 76_524_800
after_report = sorted(m for m in ("sympy", "pandas", "plotly") if m in sys.modules)
r.layers
after_layers = sorted(m for m in ("sympy", "plotly") if m in sys.modules)
print(after_import, after_report, after_layers)
"""


def test_import_and_totals_do_not_load_heavy_libraries() -> None:
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[] [] []"
