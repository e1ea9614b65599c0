# Two commands matter (see README): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format security bench bench-smoke loadtest lighthouse lock messages clean

$(VENV)/.runtime: requirements.lock scripts/bootstrap
	scripts/bootstrap runtime
	@touch $@

$(VENV)/.dev: requirements-dev.lock scripts/bootstrap
	scripts/bootstrap dev
	@touch $@

## Serve the platform with demo content on http://127.0.0.1:8000 (SQLite unless DATABASE_URL is set).
run: $(VENV)/.runtime
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

## The whole test suite: lint, format check, the layers (docs/architecture.md), unit and browser tests.
test: $(VENV)/.dev
	scripts/bootstrap tools
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo
	$(PY) manage.py makemigrations --check --dry-run --settings=elearning.test_settings
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Static security analysis of the platform's code (bandit; configuration in pyproject.toml).
security: $(VENV)/.dev
	$(VENV)/bin/bandit -q -c pyproject.toml -r .

## Benchmarks print their figures (they are not timed tests).
bench: $(VENV)/.dev
	$(PY) benchmarks/officer_import.py
	$(PY) benchmarks/lesson_page.py
	$(PY) benchmarks/quiz_grading.py
	$(PY) benchmarks/reports.py $(BENCH_REPORTS_ARGS)

## Every benchmark at a tiny size (figures printed, a minute or two): CI runs it so none rots.
bench-smoke: $(VENV)/.dev
	$(PY) benchmarks/smoke.py

## Load test (prints figures): locust against gunicorn on loopback, then a no-lost-answers check.
## PostgreSQL when DATABASE_URL points at a server (a throwaway kns_load database there).
loadtest: $(VENV)/.dev
	$(PY) benchmarks/loadtest/run.py $(LOADTEST_ARGS)

## Lighthouse mobile scores (performance, accessibility) of learner pages; needs node and npm.
lighthouse: $(VENV)/.dev
	scripts/bootstrap tools
	scripts/bootstrap node
	scripts/lighthouse $(LIGHTHOUSE_ARGS)

## Regenerate the lock files from pyproject.toml.
lock: $(VENV)/.dev
	$(VENV)/bin/pip install --quiet "pip-tools>=7.4"
	$(VENV)/bin/pip-compile --quiet --strip-extras --generate-hashes --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile --quiet --strip-extras --generate-hashes --no-emit-index-url --no-emit-find-links --extra dev -o requirements-dev.lock pyproject.toml

## Refresh the translation catalogues after changing user-facing text.
messages: $(VENV)/.dev
	$(PY) manage.py makemessages --locale vi --locale en --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=benchmarks --add-location=file
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .import_linter_cache
