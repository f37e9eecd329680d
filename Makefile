# Kith: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint reset bench install clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt pyproject.toml
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/kith run

# The suite runs on every core, a worker that runs out of tests taking some
# of another's; PYTEST_ARGS="-n 0 -x" runs it in one process.
PYTEST_ARGS ?= -n auto --dist worksteal

# Checks run in development mode (KITH_DEBUG=1) because they need no secret;
# pytest runs the suite in production mode (see conftest.py).
test: $(STAMP)
	mkdir -p var
	KITH_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	KITH_DEBUG=1 $(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	KITH_DEBUG=1 $(BIN)/mypy

reset: $(STAMP)
	$(BIN)/kith reset

bench: $(STAMP)
	@for script in bench/*.py; do case $$script in */common.py|*/floor.py) continue;; esac; echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean-venv:
	rm -rf $(VENV)
