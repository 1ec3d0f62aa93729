# Two commands on a fresh machine with Python 3.11+ and make: `make app`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: app test lint crosscheck bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

app: $(STAMP)
	$(BIN)/streamlit run app.py

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# The independent counters: fvcore on a PyTorch build of the same network, and the exported ONNX
# graph's own shapes (large; not in `make test`).
$(VENV)/.crosscheck: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test,crosscheck]"
	touch $(VENV)/.crosscheck

crosscheck: $(VENV)/.crosscheck
	$(BIN)/python -m pytest crosscheck tests/test_onnx_export.py

# Speed of every network, and against fvcore, ptflops and thop (see benchmarks/run.py); writes
# benchmarks/results.csv and benchmarks/networks.csv, then regenerates docs/speed.md.
$(VENV)/.bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	touch $(VENV)/.bench

bench: $(VENV)/.bench
	$(BIN)/python benchmarks/run.py
	$(BIN)/python docs/generate.py --write

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
