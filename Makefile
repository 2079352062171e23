# Two set-up-and-go commands: `make run` (the app on the bundled sample) and `make test`.
# Any Python from 3.11 up will do: `make test PYTHON=python3.12`. The virtual environment
# remembers which Python built it, and is rebuilt when another one is asked for.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PY_VERSION := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
VENV_VERSION = $(shell $(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
INSTALLED := $(BIN)/.installed-python$(PY_VERSION)

.PHONY: run test sample bench clean check-python

run: $(INSTALLED)
	$(BIN)/streamlit run streamlit_app.py

test: $(INSTALLED)
	$(BIN)/python -m pytest -q

sample: $(INSTALLED)
	$(BIN)/python scripts/make_sample.py sample_services.xlsx

bench: $(INSTALLED)
	$(BIN)/python -m devolve.bench --scale S

check-python:
	@test -n "$(PY_VERSION)" || { echo "devolve: '$(PYTHON)' is not a working Python; set PYTHON=python3.11 (or newer)"; exit 2; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "devolve: needs Python 3.11 or newer; '$(PYTHON)' is $(PY_VERSION)"; exit 2; }

$(INSTALLED): pyproject.toml | check-python
	@if [ -d $(VENV) ] && [ "$(VENV_VERSION)" != "$(PY_VERSION)" ]; then \
		echo "devolve: $(VENV) was built with Python $(or $(VENV_VERSION),that is no longer there); rebuilding it with $(PY_VERSION)"; \
		rm -rf $(VENV); \
	fi
	@echo "devolve: installing into $(VENV) with Python $(PY_VERSION) (the first time takes about a minute)..."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(BIN)/.installed-python*
	@touch $@
	@echo "devolve: installed."

clean:
	rm -rf $(VENV) .venv .venv-* build dist *.egg-info src/*.egg-info
