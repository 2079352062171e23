# Two set-up-and-go commands: `make run` (the app on the bundled sample) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test sample bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(BIN)/.installed
	$(BIN)/streamlit run streamlit_app.py

test: $(BIN)/.installed
	$(BIN)/python -m pytest -q

sample: $(BIN)/.installed
	$(BIN)/python scripts/make_sample.py sample_services.xlsx

bench: $(BIN)/.installed
	$(BIN)/python -m devolve.bench --scale S

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
