# The two set-up commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The embedded sync store and the PouchDB test client, installed from their lock files.
# No install scripts: leveldown loads its bundled prebuilt binary; nothing is fetched or compiled.
STORE_STAMP := sync/store/node_modules/.installed
DRIVER_STAMP := sync/testdriver/node_modules/.installed

.PHONY: run test install clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test]'
	@touch $@

$(STORE_STAMP): sync/store/package.json sync/store/package-lock.json
	cd sync/store && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

$(DRIVER_STAMP): sync/testdriver/package.json sync/testdriver/package-lock.json
	cd sync/testdriver && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

install: $(STAMP) $(STORE_STAMP)

run: $(STAMP) $(STORE_STAMP)
	@mkdir -p var
	AFTERCARE_DEMO=1 $(BIN)/aftercare run

test: $(STAMP) $(STORE_STAMP) $(DRIVER_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache sync/store/node_modules sync/testdriver/node_modules
