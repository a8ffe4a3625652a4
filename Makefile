# Two commands on a fresh machine (README "Quick start"):
#   make run    installs what the app needs and serves the demo at http://127.0.0.1:5000
#   make test   installs the test needs and runs the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install install-dev assets

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python assets
	$(BIN)/pip install --quiet -r requirements.txt

install-dev: $(BIN)/python assets
	$(BIN)/pip install --quiet -r requirements-dev.txt

assets:
	npm ci --no-audit --no-fund --loglevel=error

run: install
	SEFTON_DEMO=$${SEFTON_DEMO:-1} $(BIN)/flask --app app run --host 127.0.0.1 --port 5000

test: install-dev
	$(BIN)/python -m pytest
