# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench install clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(STAMP)

## Serve http://127.0.0.1:8000 with a Celery worker and beat beside it (SQLite,
## filesystem broker, emails printed to the terminal).
run: $(STAMP)
	DEBUG=true $(BIN)/python manage.py ensure_broker_folders
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py createcachetable
	DEBUG=true $(BIN)/python manage.py load_content
	DEBUG=true $(BIN)/python manage.py ensure_demo_admin
	DEBUG=true $(BIN)/python manage.py ensure_demo_editor
	DEBUG=true $(BIN)/python manage.py ensure_demo_learner
	DEBUG=true $(BIN)/python manage.py ensure_demo_clinician
	DEBUG=true bin/dev

## Lint, type-check, check migrations, and run the whole suite (browser tests included) against
## PostgreSQL and Redis where they are running.
test: $(STAMP)
	bin/ensure-chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true $(BIN)/mypy
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

## Time the review queue and answers with 10,000 cards and 100,000 logs (SQLite and
## PostgreSQL), with production settings.
bench: $(STAMP)
	bin/bench

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true $(BIN)/mypy

clean:
	rm -rf $(VENV) .broker db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles .pytest_cache test-artifacts
