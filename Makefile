# pinax_connect developer commands; `make help` lists them.
#
# Variables you may set:
#   PYTHON       interpreter that creates the virtualenv (default: python3)
#   VENV         where the virtualenv lives (default: .venv; reused when present)
#   PYTEST_ARGS  extra arguments for every pytest run, e.g. PYTEST_ARGS="-k webhook -x"
#   NOX_ARGS     extra arguments for nox in `make test-matrix`, e.g. NOX_ARGS="-s 'tests(py3.12-django6.0)'"

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
PYTEST_ARGS ?=
NOX_ARGS ?=

PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
# `python -m pytest` puts the project root on sys.path, so `tests.settings` imports.
PYTEST := $(PY) -m pytest
INSTALLED := $(VENV)/.pinax-connect-installed

# The nox matrix needs python3.11 and python3.12 on PATH. pyenv hides versions
# that are not selected behind shims that refuse to run, so put their bin
# directories first.
PYENV_ROOT ?= $(HOME)/.pyenv
empty :=
space := $(empty) $(empty)
MATRIX_PATH := $(subst $(space),:,$(strip $(sort $(wildcard $(PYENV_ROOT)/versions/3.11.*/bin $(PYENV_ROOT)/versions/3.12.*/bin $(PYENV_ROOT)/versions/3.13.*/bin))))

.PHONY: help venv test test-sqlite test-postgres test-matrix demo bench clean lint

help:
	@echo "make test           whole test suite on SQLite, then on a throwaway PostgreSQL"
	@echo "make test-sqlite    the SQLite pass only"
	@echo "make test-postgres  the PostgreSQL pass only (starts and removes its own cluster)"
	@echo "make test-matrix    nox: (3.11, Django 4.2), (3.11, Django 5.2), (3.12, Django 6.0), (3.13, Django 5.2), (3.13, Django 6.0) on SQLite"
	@echo "make test-browser   the end-to-end browser test of the example alone"
	@echo "make demo           run the example marketplace"
	@echo "make bench          run the benchmarks"
	@echo "make lint           ruff and mypy on the package; checks that the wheel ships py.typed"
	@echo "make bench-pipeline the webhook pipeline before/after (BENCH_STRACE=1 counts fsyncs)"
	@echo "make bench-queue    task mode end to end on django-tasks-db and RQ, 1/2/4 workers"
	@echo "make clean          remove caches and build artefacts (keeps $(VENV))"
	@echo "Variables: PYTHON=$(PYTHON) VENV=$(VENV) PYTEST_ARGS='$(PYTEST_ARGS)'"

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the packaging metadata changes (the install is editable).
# django-tasks-db and django-tasks-rq (the tasks backends the task-mode and
# distributed-queue tests run on) are installed beside the test extra rather than in it.
$(INSTALLED): $(PY) setup.cfg pyproject.toml Makefile
	$(PIP) install -q -e '.[test,rest]' 'django-tasks-db>=0.12' 'django-tasks-rq>=0.12'
	@touch $@

venv: $(INSTALLED)

# Static checks: ruff (rules in pyproject.toml), mypy with django-stubs, and the
# wheel's contents (py.typed must ship so type checkers read our annotations).
LINTED := $(VENV)/.pinax-connect-lint-installed
$(LINTED): $(INSTALLED) setup.cfg
	$(PIP) install -q -e '.[test,rest,lint]'
	@touch $@

lint: $(LINTED)
	@echo ">>> ruff"
	$(VENV)/bin/ruff check pinax_connect
	@echo ">>> mypy"
	$(VENV)/bin/mypy pinax_connect
	@echo ">>> wheel ships py.typed"
	@rm -rf build/lint-wheel && $(PY) -m build --wheel --outdir build/lint-wheel . >/dev/null
	@$(PY) -c "import sys, zipfile, glob; names = zipfile.ZipFile(glob.glob('build/lint-wheel/*.whl')[0]).namelist(); sys.exit(0 if 'pinax_connect/py.typed' in names else 'py.typed is missing from the wheel')"
	@echo ">>> lint passed"

test: venv
	@$(MAKE) --no-print-directory test-sqlite
	@$(MAKE) --no-print-directory test-postgres

# The SQLite pass ignores a PINAX_CONNECT_TEST_DATABASE_URL from your shell.
# pytest exits non-zero when it collects no tests (exit 5), which fails make.
test-sqlite: venv browser-deps
	@echo ">>> Test pass 1/2: SQLite"
	@start=$$(date +%s); \
	env -u PINAX_CONNECT_TEST_DATABASE_URL $(PYTEST) $(PYTEST_ARGS); \
	echo ">>> SQLite pass passed in $$(( $$(date +%s) - start ))s"

test-postgres: venv redis-deps
	@echo ">>> Test pass 2/2: PostgreSQL"
	@start=$$(date +%s); \
	bash scripts/pg-cluster.sh $(PYTEST) $(PYTEST_ARGS); \
	echo ">>> PostgreSQL pass finished in $$(( $$(date +%s) - start ))s"

$(VENV)/bin/nox: $(PY)
	$(PIP) install -q 'nox>=2024.4.15'

test-matrix: venv $(VENV)/bin/nox
	@echo ">>> Test matrix (nox, SQLite); interpreters from: $(or $(MATRIX_PATH),PATH)"
	@start=$$(date +%s); \
	PATH="$(MATRIX_PATH)$(if $(MATRIX_PATH),:)$$PATH" $(VENV)/bin/nox --reuse-existing-virtualenvs $(NOX_ARGS) -- $(PYTEST_ARGS); \
	echo ">>> Test matrix passed in $$(( $$(date +%s) - start ))s"

# The example marketplace at http://127.0.0.1:8000, offline (fake Stripe) unless
# STRIPE_SECRET_KEY is set; its data stays in example/.demo-data between runs.
demo: venv
	cd example && $(abspath $(PY)) manage.py migrate --noinput -v 0
	cd example && $(abspath $(PY)) manage.py demo_setup
	cd example && exec $(abspath $(PY)) manage.py runserver 127.0.0.1:8000

.PHONY: browser-deps test-browser redis-deps

# redis-server for the RQ queue test (PostgreSQL pass): Debian's package (as root).
# The test starts a private server on a free port and removes it afterwards.
redis-deps:
	@if command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y redis-server || { apt-get update && apt-get install -y redis-server; }; \
	else \
		echo "redis-deps: redis-server is missing and we are not root: install Debian's redis-server package"; \
	fi

# Chromium for tests/browser: Debian's package (as root), never `playwright install`.
browser-deps:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }; \
	else \
		echo "browser-deps: /usr/bin/chromium is missing and we are not root: install Debian's chromium package"; \
	fi

# The end-to-end browser test alone (it also runs in the SQLite pass of `make test`).
test-browser: venv browser-deps
	env -u PINAX_CONNECT_TEST_DATABASE_URL $(PYTEST) tests/browser $(PYTEST_ARGS)

# SQLite, then a throwaway PostgreSQL (skipped with a notice if it cannot start);
# BENCH_QUICK=1 for a smoke run. Tables on stdout, JSON in benchmarks/results/.
bench: venv
	@start=$$(date +%s); \
	$(PY) -m benchmarks; \
	$(MAKE) --no-print-directory bench-pipeline; \
	$(MAKE) --no-print-directory bench-queue; \
	echo ">>> Benchmarks finished in $$(( $$(date +%s) - start ))s"

# The webhook pipeline before (BENCH_BASELINE, default 2c00bb8) and after, on Django's
# default SQLite settings, SQLite WAL/NORMAL and PostgreSQL; BENCH_STRACE=1 counts fsyncs.
.PHONY: bench-pipeline
bench-pipeline: venv
	$(PY) -m benchmarks.pipeline --profiles default,wal --out benchmarks/results/pipeline-sqlite.json
	bash scripts/pg-cluster.sh $(PY) -m benchmarks.pipeline --profiles postgresql --out benchmarks/results/pipeline-postgresql.json

# Task mode end to end (delivery -> applied) with 1, 2 and 4 workers: django-tasks-db
# and django-tasks-rq (a private redis-server) on a throwaway PostgreSQL.
.PHONY: bench-queue
bench-queue: venv redis-deps
	bash scripts/pg-cluster.sh bash -c '$(PY) -m benchmarks.bench_queue --kind db --out benchmarks/results/queue-db.json && $(PY) -m benchmarks.bench_queue --kind rq --out benchmarks/results/queue-rq.json'

clean:
	rm -rf .nox build dist *.egg-info .pytest_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
