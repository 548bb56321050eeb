# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The port `make run` serves on (`PORT=8001 make run`); the links in e-mails follow it.
PORT ?= 8000

.PHONY: run test install migrate lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	mkdir -p var/celery
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_catalogue

run: migrate
	$(BIN)/python manage.py load_demo
	@echo "Abra http://127.0.0.1:$(PORT) — Ctrl-C detiene el servidor, el worker y beat."
	@# honcho gives each process its own PORT (web PORT, worker PORT+100, …): the worker that
	@# sends the e-mails is told the web server's address instead.
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" $(BIN)/honcho -f Procfile.dev start --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=ine_redes.settings.test
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache

# Times the deadline sweeps on PostgreSQL: 100,000 open consultations, 10,000 due. The
# data lives in a throwaway database (ine_redes_bench) created and dropped by the command.
.PHONY: bench-sweeps
bench-sweeps: install
	$(BIN)/python manage.py bench_sweeps $(BENCH_ARGS)

# Times the inventory import: 10,000 account rows and 10,000 staff rows, previewed and
# confirmed, in a throwaway database: a temporary SQLite file, or PostgreSQL with
# BENCH_ARGS="--database-url postgres://postgres@127.0.0.1:5432/ine_redes_bench_import".
.PHONY: bench-import
bench-import: install
	$(BIN)/python manage.py bench_import $(BENCH_ARGS)
