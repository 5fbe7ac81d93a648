# `make test` and `make book` work on a fresh clone: they create .venv and install what is needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
AXE := node_modules/axe-core/axe.min.js

.PHONY: install test book bench clean

install: $(INSTALLED)

$(INSTALLED): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

test: install $(AXE)
	$(PY) -m pytest

# axe-core, pinned in package-lock.json: tests/book check every page against WCAG 2.1 A and AA with it.
$(AXE): package.json package-lock.json
	command -v npm >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends npm; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The book: _build/html (open _build/html/index.html). Any Sphinx warning or cell error fails the build;
# a failed build forgets its parsed pages so that the next run reports the same problems again.
book: install
	$(VENV)/bin/jupyter-book build . --warningiserror --keep-going || { rm -rf _build/.doctrees; exit 1; }

bench: install
	$(PY) benchmarks/bench_nnkit.py

clean:
	rm -rf $(VENV) _build .pytest_cache node_modules
