# The two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
export UV_PYTHON := 3.12
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
RUN := $(UV) run --locked
export DJANGO_SETTINGS_MODULE ?= config.settings.local
# Python may keep its compiled modules between the many processes a test run starts (each worker, each pass)
unexport PYTHONDONTWRITEBYTECODE

.PHONY: demo demo-people test install lint test-sqlite test-postgres browser-deps clean

install:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	@$(UV) sync --locked --quiet

demo: install
	$(RUN) caremarket migrate --no-input -v 0
	$(RUN) caremarket demo-data -v 0
	$(RUN) caremarket serve-demo

demo-people: install
	$(RUN) caremarket demo-people $(if $(ORGANISATION),--organisation "$(ORGANISATION)")

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(RUN) caremarket makemigrations --check --dry-run -v 0

browser-deps:
	@scripts/ensure-chromium.sh

# Two workers for the PostgreSQL pass, one per core. Every test runs on PostgreSQL, production's database, but the
# demo's build and the migrations, which run on SQLite, the demo's database; so do the tests of the code whose reads
# and writes differ between the two (money summed exactly, raw SQL, bulk writes, the audit trigger, the queue's order)
# (ADR 0013). An idle worker takes half of the other's waiting tests (worksteal), so neither is left with a run of
# journeys at the end.
PYTEST := $(RUN) pytest -n 2 --dist worksteal
ON_SQLITE_TOO := caremarket/demo caremarket/core/tests/test_audit.py caremarket/core/tests/test_jobs.py \
	caremarket/core/tests/test_worker.py caremarket/core/tests/test_spreadsheets.py \
	caremarket/brokerage/tests/test_queue.py caremarket/finance caremarket/quality/tests/test_scorecards.py caremarket/insight tests/test_migrations.py

test-sqlite: install
	DJANGO_SETTINGS_MODULE=config.settings.test DATABASE_URL=sqlite:///:memory: $(RUN) pytest -m "not browser and not whole_product" $(ON_SQLITE_TOO)

test-postgres: install browser-deps
	DJANGO_SETTINGS_MODULE=config.settings.test scripts/with-postgres.sh $(PYTEST) -m "not demo and not migrations"

# The three parts run at once. The PostgreSQL pass keeps both cores busy for most of the run; the SQLite pass (one
# process: the demo's build is most of it) and the lint fit into the time its workers wait on the database and the
# browser. -O prints each part's output whole when it ends.
test: install browser-deps
	@$(MAKE) --no-print-directory -O -j3 lint test-sqlite test-postgres

clean:
	rm -rf var .pytest_cache
