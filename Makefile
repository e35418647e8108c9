# The two set-up commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install clean bench-basedata

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test]'
	@touch $@

install: $(STAMP)

run: $(STAMP)
	@mkdir -p var
	AFTERCARE_DEMO=1 $(BIN)/aftercare run

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench-basedata: $(STAMP)
	$(BIN)/python bench/basedata.py

clean:
	rm -rf $(VENV) var .pytest_cache
