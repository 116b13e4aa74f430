# The README's two commands: `make demo` runs the system, `make test` runs every test.
# Everything else here is what those two need; each step installs what it uses.

SHELL := bash
.SHELLFLAGS := -o errexit -o pipefail -o nounset -c
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .uv/bin/uv
VENV := .venv
BIN := $(VENV)/bin
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json

.PHONY: help demo test lint pytest web-test bench soak web schemas clean

help:
	@echo "make demo   run hub + simulated community + edge agents; dashboard at http://127.0.0.1:8000"
	@echo "make test   lint, type-check and run every test (Python and web)"
	@echo "make bench  run the benchmarks and print their tables"
	@echo "make soak   inject faults on a simulated community (own PostgreSQL + Mosquitto, <= 15 min); prints lost/duplicated"

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required (found " + sys.version.split()[0] + ")") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv .uv
	.uv/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --all-extras --python $(PYTHON)
	@touch $@

web/node_modules/.installed: web/package.json web/package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js 20+) is required for the dashboard"; exit 1; }
	cd web && npm ci --no-audit --no-fund
	@touch $@

web/dist/index.html: web/node_modules/.installed $(WEB_SOURCES)
	cd web && npm run build

web: web/dist/index.html

demo: $(VENV)/.synced web
	$(BIN)/powershare-demo

lint: $(VENV)/.synced
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

pytest: $(VENV)/.synced web
	$(BIN)/pytest

web-test: web/node_modules/.installed
	cd web && npm test

test: lint web-test pytest

bench: $(VENV)/.synced
	$(BIN)/python bench/run.py

# SOAK_ARGS, e.g. SOAK_ARGS="--partition-s 600 --homes 10": see python -m soak --help.
soak: $(VENV)/.synced
	$(BIN)/python -m soak $(SOAK_ARGS)

schemas: $(VENV)/.synced web/node_modules/.installed
	$(BIN)/python -m powershare_wire docs/wire --typescript web/src/client/site.gen.ts
	$(BIN)/python -m hub.api.openapi_export .openapi.json --ws-schema docs/ws/events.schema.json
	cd web && npx openapi-typescript ../.openapi.json -o src/client/hub.gen.ts
	rm -f .openapi.json

clean:
	rm -rf .uv $(VENV) web/node_modules web/dist .demo
