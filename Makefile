# The two set-up commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
# Debian's python3.11 (built with PGO and LTO) when the machine has it: the services and the
# benchmarks ran 10-15 % faster on it than on a source build without those (see docs/architecture.md).
PYTHON ?= $(shell [ -x /usr/bin/python3.11 ] && /usr/bin/python3.11 -c 'import ensurepip' 2>/dev/null && echo /usr/bin/python3.11 || echo python3)
NPM ?= npm
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PWA := pwa
# npm ci deletes node_modules, so its stamp lives inside it; the build's stamp is
# the built index.html itself (vite rewrites it on every build).
PWA_DEPS := $(PWA)/node_modules/.installed
PWA_BUILT := $(PWA)/dist/index.html
# The repair state machine, exported from the server's one definition for the offline PWA.
PWA_GENERATED := $(PWA)/src/generated/repair-machine.json $(PWA)/src/generated/exchange-machine.json \
	$(PWA)/src/generated/swap-rules.json
PWA_SOURCES := $(shell find $(PWA)/src $(PWA)/public -type f 2>/dev/null) $(PWA_GENERATED) \
	$(PWA)/index.html $(PWA)/vite.config.js $(PWA)/package.json $(PWA)/package-lock.json
CHROMIUM := /usr/bin/chromium
# make test runs pytest in one process per core (pytest-xdist): half the tests wait on servers,
# browsers and PostgreSQL, so two workers on two cores finish well before one. PYTEST_WORKERS= runs serially.
PYTEST_WORKERS ?= -n auto
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The embedded sync store and the PouchDB test client, installed from their lock files.
# No install scripts: leveldown loads its bundled prebuilt binary; nothing is fetched or compiled.
STORE_STAMP := sync/store/node_modules/.installed
DRIVER_STAMP := sync/testdriver/node_modules/.installed
# Printing: the bundled font (made from the PWA's @fontsource package) and what WeasyPrint and the
# print tests load from Debian (Pango, HarfBuzz's subsetter; poppler's pdftotext/pdftoppm/pdffonts).
PRINT_FONTS := server/printing/fonts/NotoSansSC-Regular.ttf
PRINT_APT := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils

.PHONY: run test install pwa chromium print-deps clean bench-basedata bench-ledger bench-sync bench-print bench-repair bench-pwa bench-fuzz bench-workspace bench-exchange bench-trade bench-finance bench-reports pg-replication crash-test

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test]'
	@touch $@

install: $(STAMP) $(PWA_DEPS) $(STORE_STAMP) $(PRINT_FONTS) $(PWA_GENERATED)

$(PWA_DEPS): $(PWA)/package.json $(PWA)/package-lock.json
	cd $(PWA) && $(NPM) ci --no-audit --no-fund
	@touch $@

$(PWA)/src/generated/repair-machine.json: server/repair/statemachine.py server/repair/rules.py server/repair/pwa_export.py | $(STAMP)
	$(BIN)/python -m server.repair.pwa_export $@

$(PWA)/src/generated/exchange-machine.json: server/exchange/statemachine.py server/exchange/rules.py server/exchange/pwa_export.py server/repair/rules.py server/printing/forms.py | $(STAMP)
	$(BIN)/python -m server.exchange.pwa_export $@

$(PWA)/src/generated/swap-rules.json: server/swap/rules.py server/swap/pwa_export.py server/printing/forms.py | $(STAMP)
	$(BIN)/python -m server.swap.pwa_export $@

$(PWA_BUILT): $(PWA_DEPS) $(PWA_SOURCES)
	cd $(PWA) && $(NPM) run build
	@touch $@

pwa: $(PWA_BUILT)

$(STORE_STAMP): sync/store/package.json sync/store/package-lock.json
	cd sync/store && $(NPM) ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

$(DRIVER_STAMP): sync/testdriver/package.json sync/testdriver/package-lock.json
	cd sync/testdriver && $(NPM) ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

$(PRINT_FONTS): $(PWA_DEPS) | $(STAMP)
	$(BIN)/python -m server.printing.fonts

print-deps:
	@dpkg -s $(PRINT_APT) >/dev/null 2>&1 || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q $(PRINT_APT); }

# Browser tests drive Debian's Chromium (never a downloaded browser build).
chromium:
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }
	@test -x $(CHROMIUM) || { echo "Chromium is required at $(CHROMIUM) for the browser tests" >&2; exit 1; }

run: $(STAMP) $(PWA_BUILT) $(STORE_STAMP) $(PRINT_FONTS) print-deps
	@mkdir -p var
	AFTERCARE_DEMO=1 $(BIN)/aftercare run

# The reports' standby test (tests/test_reports_standby.py) takes a base backup of the local cluster: it must
# accept replication connections from 127.0.0.1 as it accepts the tests' other connections (trust). Idempotent;
# the line goes first since pg_hba.conf's first matching line decides.
PG_ADMIN ?= postgresql://postgres@127.0.0.1:5432/postgres
pg-replication:
	@hba=$$(psql "$(PG_ADMIN)" -XAtc 'SHOW hba_file') || { echo "PostgreSQL is required at $(PG_ADMIN)" >&2; exit 1; }; \
	grep -q '^host replication all 127.0.0.1/32 trust' "$$hba" || { \
	  $(SUDO) sed -i '1i host replication all 127.0.0.1/32 trust' "$$hba" && \
	  psql "$(PG_ADMIN)" -XAtqc 'SELECT pg_reload_conf()' >/dev/null && echo "pg-replication: $$hba accepts replication from 127.0.0.1"; }

test: $(STAMP) $(PWA_GENERATED) $(PWA_BUILT) $(STORE_STAMP) $(DRIVER_STAMP) $(PRINT_FONTS) print-deps chromium pg-replication
	cd $(PWA) && $(NPM) test
	$(BIN)/python -m pytest $(PYTEST_WORKERS) $(PYTEST_ARGS)

bench-basedata: $(STAMP)
	$(BIN)/python bench/basedata.py

bench-ledger: $(STAMP)
	$(BIN)/python bench/ledger.py

# 5,000 events of a warehouse mix: PouchDB replication direct vs through the proxy, raw ingest vs the posting worker.
bench-sync: $(STAMP) $(STORE_STAMP) $(DRIVER_STAMP)
	$(BIN)/python bench/sync.py $(BENCH_ARGS)

# 200 intake tickets (median warm ms) and a 500-line packing list (s).
bench-print: $(STAMP) $(PRINT_FONTS) print-deps
	$(BIN)/python bench/print.py $(BENCH_ARGS)

# 2,000 complete repair orders (~22,000 events) through the worker, then the IMEI history over 200,000 orders.
bench-repair: $(STAMP) $(STORE_STAMP) $(DRIVER_STAMP)
	$(BIN)/python bench/repair.py $(BENCH_ARGS)

# A tablet's first full sync (10,000 point + 50,000 master documents, through the proxy) and
# the order list opened offline afterwards, in Chromium.
bench-pwa: $(STAMP) $(STORE_STAMP) $(PWA_BUILT) chromium
	$(BIN)/python bench/pwa.py $(BENCH_ARGS)

# 2,000 exchange orders mixed across modes A-D (8,000 events) through the worker, then the IMEI history over
# 200,000 repair and exchange orders.
bench-exchange: $(STAMP) $(STORE_STAMP) $(DRIVER_STAMP)
	$(BIN)/python bench/exchange.py $(BENCH_ARGS)

# 10,000 retail sales (1-5 lines, split payments) through the worker, then a 500-line transfer issued and received
# (SQLite; BENCH_ARGS go to the retail part, e.g. --sales 2000).
bench-trade: $(STAMP) $(STORE_STAMP)
	$(BIN)/python bench/trade.py $(BENCH_ARGS)

# PostgreSQL: 10,000 counterparties and 2,000,000 money entries: one party's statement over a year (p95),
# aging over every party; then a labour-fee claim of 5,000 lines built (bench/claims.py).
bench-finance: $(STAMP)
	$(BIN)/python bench/finance.py $(BENCH_ARGS)

# PostgreSQL: 200,000 repair orders, 1,000,000 stock moves and 200,000 retail sale lines: each fixed report (p95),
# a two-level custom report over every order (p95), a three-level export of 100,000 rows (s, peak memory).
bench-reports: $(STAMP)
	$(BIN)/python bench/reports.py $(BENCH_ARGS)

# HQ's online repair order list over 200,000 orders: the filtered page server side, the same page drawn
# in Chromium, a streamed Excel export of 100,000 rows and its peak memory (BENCH_ARGS="--backend postgresql").
bench-workspace: $(STAMP) $(PWA_BUILT) chromium
	$(BIN)/python bench/workspace.py $(BENCH_ARGS)

# Schemathesis over every operation of the OpenAPI document (admin and clerk, both modes, every coverage case,
# 50 random requests per operation, user and mode); `make test` runs the same fuzzing smaller (tests/test_fuzz.py).
bench-fuzz: $(STAMP)
	$(BIN)/python bench/fuzz.py $(BENCH_ARGS)

# The crash test at the acceptance scale (5,000 events, 20+ kills, two workers at once) on SQLite and PostgreSQL;
# `make test` runs the same test smaller.
crash-test: $(STAMP) $(STORE_STAMP) $(DRIVER_STAMP)
	AFTERCARE_CRASH_EVENTS=5000 AFTERCARE_CRASH_KILLS=20 $(BIN)/python -m pytest tests/test_sync_crash.py -s --timeout=3600 $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache server/printing/fonts $(PWA)/node_modules $(PWA)/dist test-artifacts sync/store/node_modules sync/testdriver/node_modules
