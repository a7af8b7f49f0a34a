# The two commands in the README. Each creates the virtual environment (.venv) if it is
# missing or pyproject.toml changed, then does its job.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
DEMO := CASCADE_INSTANCE_PATH=$(CURDIR)/instance/demo CASCADE_DATABASE_URL=sqlite:///$(CURDIR)/instance/demo/tracker.sqlite

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

.PHONY: run test test-fast lint site demo
run: $(STAMP)  ## build the site, load the demo cascade, serve both on http://$(HOST):$(PORT)/
	$(BIN)/cascade site build --edition all
	$(DEMO) $(BIN)/cascade tracker demo --reset
	$(DEMO) $(BIN)/cascade tracker run --demo --site build/site --host $(HOST) --port $(PORT)

test: $(STAMP)  ## lint and run every test
	$(BIN)/ruff check .
	$(BIN)/pytest

test-fast: $(STAMP)  ## the edit-test loop: lint, then every test but the browser, slow and PostgreSQL ones
	$(BIN)/ruff check .
	$(BIN)/pytest -m "not browser and not slow" -k "not postgres"

site: $(STAMP)
	$(BIN)/cascade site build --edition all
