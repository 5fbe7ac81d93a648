# `make test` and `make book` work on a fresh clone: they create .venv and install what is needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: install test bench clean

install: $(INSTALLED)

$(INSTALLED): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

test: install
	$(PY) -m pytest

bench: install
	$(PY) benchmarks/bench_nnkit.py

clean:
	rm -rf $(VENV) _build .pytest_cache
