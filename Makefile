# Two commands do everything on a fresh machine with Python 3.11:
#   make run    the app with demo data at http://127.0.0.1:8000 (SQLite under ./var)
#   make test   every test
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
HOST ?= 127.0.0.1
PORT ?= 8000
UV_VERSION := 0.13.9

.PHONY: run test lint format bench bench-insights lock smoke clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# What the app needs to run (requirements.lock), and on top what tests and linters need
# (requirements-dev.lock). Every file pip downloads must match a hash of the lock file.
# Reinstalled whenever a lock file or the package metadata changes.
$(VENV)/.installed-runtime: requirements.lock pyproject.toml | $(BIN)/python
	$(PIP) --require-hashes -r requirements.lock
	$(PIP) --no-deps -e .
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock $(VENV)/.installed-runtime
	$(PIP) --require-hashes -r requirements-dev.lock
	touch $@

# The demo's webhook receiver listens on loopback, which the SSRF check refuses otherwise.
run: export BANPUM_WEBHOOKS_ALLOW_PRIVATE ?= 1
run: $(VENV)/.installed-runtime
	$(BIN)/banpum migrate --verbosity 0
	$(BIN)/banpum demo
	$(BIN)/banpum serve --no-migrate --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks .ci
	$(BIN)/ruff format --check src tests benchmarks .ci
	$(BIN)/mypy
	$(BIN)/mypy .ci/smoke.py .ci/check-catalogue.py
	$(BIN)/lint-imports --no-cache

format: $(VENV)/.installed-dev
	$(BIN)/ruff format src tests benchmarks .ci
	$(BIN)/ruff check --fix src tests benchmarks .ci

# Every benchmark, bounded (insights on 20,000 return lines); bench-insights: the issue's
# 1,000,000 return lines (generated once, ~10 minutes, then cached under benchmarks/out/).
bench: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks.run

bench-insights: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks.run --only insights

# The README's API examples against a fresh `banpum serve` (CI runs it too).
smoke: $(VENV)/.installed-runtime
	$(BIN)/python .ci/smoke.py

# Pin every dependency after editing pyproject.toml: runtime, then dev within the runtime pins.
# Existing pins are kept; delete a lock file's line (or the file) to move a package.
lock: | $(BIN)/python
	$(PIP) uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml -o requirements.lock \
		--python-version 3.11 --no-header --generate-hashes --quiet
	$(BIN)/uv pip compile pyproject.toml --extra dev -c requirements.lock -o requirements-dev.lock \
		--python-version 3.11 --no-header --generate-hashes --quiet

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
