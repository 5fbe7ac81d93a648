# `make test` and `make book` work on a fresh clone: they create .venv and install what is needed.
# `make test` also needs four system packages, installed by `make system-packages` when missing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# What the tests need from the system, as program=Debian package: the autograder's sandbox (bwrap),
# the browser that tests/book opens the book in (at the path the tests use), npm for axe-core, and
# PostgreSQL's server (a glob: Debian's folder is versioned) that tests/autograder start for --db.
SYSTEM_NEEDS := bwrap=bubblewrap /usr/bin/chromium=chromium npm=npm /usr/lib/postgresql/*/bin/initdb=postgresql
AXE := node_modules/axe-core/axe.min.js

.PHONY: install test book bench clean system-packages

install: $(INSTALLED)

$(INSTALLED): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

test: install system-packages $(AXE)
	$(PY) -m pytest --durations=40

# axe-core, pinned in package-lock.json: tests/book check every page against WCAG 2.1 A and AA with it.
$(AXE): package.json package-lock.json | system-packages
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Missing packages are installed on Debian/Ubuntu as root or with passwordless sudo (one apt-get update,
# one apt-get install); anywhere else make stops with the command to run.
system-packages:
	@missing=""; \
	for need in $(SYSTEM_NEEDS); do set -- $${need%%=*}; command -v "$$1" >/dev/null 2>&1 || missing="$$missing $${need#*=}"; done; \
	[ -z "$$missing" ] && exit 0; \
	install="apt-get install -y --no-install-recommends$$missing"; \
	if ! command -v apt-get >/dev/null 2>&1; then \
		echo "make: the tests need these packages (Debian names):$$missing; install them with your system's package manager" >&2; exit 1; \
	elif [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo "; \
	else echo "make: the tests need:$$missing; run: sudo apt-get update && sudo $$install" >&2; exit 1; fi; \
	echo "make: installing$$missing"; \
	apt="$${sudo}env DEBIAN_FRONTEND=noninteractive apt-get"; \
	$$apt update -qq && $$apt $${install#apt-get } -qq

# The book: _build/html (open _build/html/index.html). Any Sphinx warning or cell error fails the build;
# a failed build forgets its parsed pages so that the next run reports the same problems again.
book: install
	$(VENV)/bin/jupyter-book build . --warningiserror --keep-going || { rm -rf _build/.doctrees; exit 1; }

bench: install
	$(PY) benchmarks/bench_nnkit.py

clean:
	rm -rf $(VENV) _build .pytest_cache node_modules
