# Rawat — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: run test lint install system-packages run-packages translations compile-translations clean bench audit

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed compile-translations

compile-translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d translations 2>&1 | grep -v '^$$' || true

translations: $(VENV)/.installed
	$(BIN)/pybabel extract --mapping-file babel.cfg --keywords _l --keywords lazy_gettext --keywords _n:1,2 \
		--no-location --sort-output --project Rawat --output-file translations/messages.pot .
	$(BIN)/pybabel update --input-file translations/messages.pot --output-dir translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python -m lms.i18n_tools fill-english translations/en/LC_MESSAGES/messages.po
	$(BIN)/pybabel compile --statistics -d translations

run: install run-packages
	$(FLASK) db upgrade
	$(FLASK) lms keys init
	$(FLASK) lms import-content content/
	$(FLASK) lms regions import
	$(FLASK) run --host $(HOST) --port $(PORT)

system-packages:
	@tools/ensure-system-packages

# ffmpeg converts lesson recordings; without it the upload form says recordings cannot be converted here
run-packages:
	@tools/ensure-system-packages --run

test: install system-packages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# ruff: pyflakes, bugbear, simplify, complexity; the rules are in pyproject.toml ([tool.ruff]).
lint: $(VENV)/.installed
	$(BIN)/ruff check .

bench: install
	$(BIN)/python bench/run_all.py

# Known vulnerabilities in everything installed in .venv (the app's dependencies, the test
# tools, pip and setuptools themselves); see tools/audit-dependencies for what fails.
# PIP_AUDIT_ARGS: e.g. --ignore-vuln ID (see .ci/run), or --strict.
PIP_AUDIT_ARGS ?=
audit: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools
	$(BIN)/python tools/audit-dependencies $(PIP_AUDIT_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
