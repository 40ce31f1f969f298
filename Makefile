# docreg: see README.md. Every target sets up what it needs first.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test test-pg lint format bench loadtest setup migrate seed clean

$(PY):
	@python=$$(scripts/find-python) && echo "Using $$python" && "$$python" -m venv $(VENV)

$(STAMP): requirements.txt scripts/system-packages | $(PY)
	@scripts/system-packages --install || echo "PDF rendering needs the Debian packages above; install them first."
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

setup: $(STAMP)

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# Serves the app with the demo data; a task worker runs beside the server and
# stops with it. DEBUG defaults on here so runserver serves static files.
run: export DEBUG ?= 1
run: seed
	$(PY) manage.py schedule_reminders
	@$(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# One test process per CPU (pytest-xdist); PYTEST_WORKERS=0 runs them in this process.
PYTEST_WORKERS ?= auto
test: $(STAMP)
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy .

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: $(STAMP)
	$(PY) bench/run.py

# Locust against gunicorn on loopback, in a throw-away database (see README,
# Load test); LOADTEST_DATABASE_URL=postgres://…/docreg_loadtest runs it on PostgreSQL.
USERS ?= 50
DURATION ?= 60s
loadtest: $(STAMP)
	$(PY) loadtest/run.py --users $(USERS) --duration $(DURATION)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
