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

# Two workers, one per core. Every test runs at least once: the demo's build on SQLite, its database; browser
# journeys and the whole-product walks on PostgreSQL, production's database; the rest on both (ADR 0013). An idle
# worker takes half of the other's waiting tests (worksteal), so neither is left with a run of journeys at the end.
PYTEST := $(RUN) pytest -n 2 --dist worksteal

test-sqlite: install
	DJANGO_SETTINGS_MODULE=config.settings.test DATABASE_URL=sqlite:///:memory: $(PYTEST) -m "not browser and not whole_product"

test-postgres: install browser-deps
	DJANGO_SETTINGS_MODULE=config.settings.test scripts/with-postgres.sh $(PYTEST) -m "not demo and not migrations"

test: lint test-sqlite test-postgres

clean:
	rm -rf var .pytest_cache
