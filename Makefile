# Two commands do all the set-up on a fresh machine:
#   make report   creates .venv, installs the pinned dependencies, renders build/report.html
#   make test     the same set-up, then the whole test suite
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium

.PHONY: report test lint lab bench check notebook lock chromium clean

report: $(STAMP)
	$(BIN)/bakhmut-report render -f report_params.yaml --out build

test: lint chromium
	$(BIN)/python -m pytest -q --nbval --nbval-current-env tests notebooks/bakhmut.ipynb

# Conventions first: lint and format (ruff), types (mypy), the layer contract (import-linter).
lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

check: $(STAMP)
	$(BIN)/bakhmut-report check -f report_params.yaml

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR) notebooks/bakhmut.ipynb

bench: $(STAMP) chromium
	$(BIN)/python bench/run.py

# Re-execute the committed notebook with the default parameters and store its outputs.
notebook: $(STAMP)
	$(BIN)/bakhmut-report refresh-notebook

# The environment: a venv with the exact pins of requirements.lock, the package editable.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# Debian's Chromium for the browser tests (Playwright cannot download its own here).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || { echo "could not install chromium: run 'apt-get update && apt-get install -y chromium' as root"; exit 1; }; \
	  else \
	    echo "Chromium is missing: run 'sudo apt-get update && sudo apt-get install -y chromium' (Debian), then make test again"; exit 1; \
	  fi; \
	fi

lock:
	rm -rf /tmp/bakhmut-lock && $(PYTHON) -m venv /tmp/bakhmut-lock
	/tmp/bakhmut-lock/bin/pip install --quiet -r requirements.in
	( echo "# Full pinned environment (pip freeze of requirements.in on Python 3.11). Regenerate: make lock"; \
	  /tmp/bakhmut-lock/bin/pip freeze ) > requirements.lock

clean:
	rm -rf build
