# Sori: `make run` serves the demo site, `make test` runs the whole suite.
# Both create .venv with Python 3.12+ and install everything first.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed
# The Nu HTML Checker (the W3C validator's engine, Java) for tests/config/test_valid_html.py.
VNU_VERSION := 26.9.27
VNU := var/vnu/node_modules/vnu-jar/build/dist/vnu.jar

# Find a Python 3.12 or newer: an explicit PYTHON, pyenv's 3.12, then the usual names.
PYTHON ?= $(shell for c in "$$(pyenv prefix 3.12 2>/dev/null)/bin/python3" python3.13 python3.12 python3; do \
	p=$$(command -v "$$c" 2>/dev/null) || continue; \
	"$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$p"; break; }; \
	done)

.PHONY: run test lint fmt worker bench cluster-test setup messages migrate seed clean help

help:
	@echo "make run     set up and serve the demo site on http://127.0.0.1:$(PORT)"
	@echo "make test    set up and run the whole test suite (browser tests included)"
	@echo "make lint    ruff check and format check, makemigrations --check, import contracts"
	@echo "make fmt     format the code with ruff"
	@echo "make worker  run a Celery worker with beat (needs REDIS_URL)"
	@echo "make bench   run the benchmarks and print figures (ARGS=faults, ARGS=soak: the long ones)"
	@echo "make cluster-test  nginx, two nodes, a worker, PostgreSQL and Redis of its own, through faults"

$(PY):
	@if [ -z "$(PYTHON)" ]; then \
		echo "Sori needs Python 3.12 or newer, and none was found."; \
		echo "Install it (e.g. 'pyenv install 3.12') or run: make PYTHON=/path/to/python3.12 ..."; \
		exit 1; fi
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) messages

# Compiled catalogues are generated files: built here, never committed.
messages: $(STAMP)
	@$(PY) -m lib.compile_messages

run: export DEBUG ?= 1
# Links in mail (confirmations, "my data") must point at this server's port.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Serving $(SITE_URL) (links in mail point here)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Installed from npm; without npm the HTML validity test skips and says why (CI installs
# npm and Java, and requires the test to run).
$(VNU):
	@if command -v npm >/dev/null; then \
		npm install --silent --no-audit --no-fund --prefix var/vnu vnu-jar@$(VNU_VERSION); \
	else echo "npm not found: the HTML validity test will skip (apt-get install npm default-jre-headless)"; fi

test: setup $(VNU)
	$(PY) manage.py check --fail-level WARNING --settings tests.settings
	$(PY) manage.py makemigrations --check --dry-run --settings tests.settings
	$(VENV)/bin/lint-imports
	$(PY) -m pytest $(ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run --settings tests.settings
	$(VENV)/bin/lint-imports

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

worker: export DEBUG ?= 1
worker: setup
	@if [ -z "$$REDIS_URL" ]; then echo "make worker needs REDIS_URL (tasks run inline without it)."; exit 1; fi
	@echo "Worker with beat (-B: the outbox sweep and other schedules). With several workers,"
	@echo "run -B on one only, or a separate 'celery -A config beat' and workers without -B."
	$(VENV)/bin/celery -A config worker -B --schedule var/celerybeat-schedule --loglevel INFO \
		--without-gossip --without-mingle --without-heartbeat

bench: setup
	$(PY) -m bench $(ARGS)

# Starts everything itself in a temporary folder (needs nginx, redis-server and
# PostgreSQL's server programs installed; none of the machine's servers is touched).
cluster-test: setup
	$(PY) -m bench.cluster_test $(ARGS)

clean:
	rm -rf $(VENV) var
