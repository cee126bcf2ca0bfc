# Two commands do everything on a fresh machine with Python 3.11:
#   make run    the app with demo data at http://127.0.0.1:8000 (SQLite under ./var)
#   make test   every test
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck format bench lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever the lock file or the package metadata changes.
$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

run: $(VENV)/.installed
	$(BIN)/banpum migrate --verbosity 0
	$(BIN)/banpum demo
	$(BIN)/banpum serve --no-migrate --host $(HOST) --port $(PORT)

test: $(VENV)/.installed
	$(BIN)/pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

format: $(VENV)/.installed
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

bench: $(VENV)/.installed
	$(BIN)/python -m benchmarks.run

# Re-pin every dependency after editing pyproject.toml.
lock: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements.lock --python-version 3.11 --no-header

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
