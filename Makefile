# kamcore: `make demo` and `make test` work on a fresh machine that has only python3.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PLUGINS := $(sort $(wildcard plugins/*/pyproject.toml))
PLUGIN_DIRS := $(patsubst %/pyproject.toml,%,$(PLUGINS))
STAMP := $(VENV)/.kamcore-installed
DIST ?= dist

.PHONY: install demo test lint docs docs-update bench dist clean

install: $(STAMP)

$(STAMP): pyproject.toml $(PLUGINS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' $(foreach dir,$(PLUGIN_DIRS),-e $(dir))
	touch $@

demo: $(STAMP)
	$(BIN)/kam demo

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests plugins
	$(BIN)/mypy

# The performance suite (~10 minutes): figures against floors measured in the same run,
# written to benchmarks/results.md (see docs/performance.md).
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/run.py --out benchmarks/results.md

docs: $(STAMP)
	$(BIN)/python docs/_hooks/hookref.py --check
	$(BIN)/python -m mkdocs build --strict

# Rewrite the generated parts of the docs pages (hook, CLI and schema references) from the code.
docs-update: $(STAMP)
	$(BIN)/python docs/_hooks/hookref.py

# Wheels and sdists of kamcore and of every plugin in $(DIST)/, metadata checked (see
# docs/releasing.md). Built without isolation, from the build tools of the dev extra: offline.
dist: $(STAMP)
	rm -rf $(DIST)
	$(BIN)/python -m build --no-isolation --outdir $(DIST) .
	$(foreach dir,$(PLUGIN_DIRS),$(BIN)/python -m build --no-isolation --outdir $(DIST) $(dir) &&) true
	$(BIN)/twine check --strict $(DIST)/*

clean:
	rm -rf $(VENV) dist kam-demo kam-demo.db kam-demo.db-wal kam-demo.db-shm .pytest_cache .mypy_cache .ruff_cache
