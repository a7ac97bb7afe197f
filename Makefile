# Safeguard: two commands. `make run` serves the demo; `make test` runs everything.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
export SAFEGUARD_HOME := $(CURDIR)

.PHONY: run test bench lint install clean

run: $(VENV)/.installed node_modules/.installed
	$(BIN)/safeguard manage migrate --noinput -v0
	$(BIN)/safeguard demo load
	@$(BIN)/safeguard demo users
	@echo "Serving on http://127.0.0.1:8000 with a background worker (Ctrl+C stops both)"
	$(BIN)/safeguard run --host 127.0.0.1 --port 8000

test:
	bash scripts/test.sh

bench: $(VENV)/.installed-test
	bash scripts/bench.sh

lint: $(VENV)/.installed-test
	bash scripts/lint.sh

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install -q -U pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install -q -U pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf $(VENV) node_modules staticfiles safeguard.sqlite3 .pytest_cache .mypy_cache .ruff_cache
