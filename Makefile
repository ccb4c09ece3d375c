# The README's two set-up commands live here.
#   make run   — create .venv, install, build the graph and print its summary, validate it and
#                write docs/source-defects.md, print the Guangxi task-division table, and write
#                the browsable site into site/ (main job)
#   make test  — lint (ruff, with C901), check the floors (import-linter), type-check (mypy --strict),
#                validate the real graph (no violation allowed), run the tests
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/policygraph build
	$(BIN)/policygraph validate --lang en --defects docs/source-defects.md
	$(BIN)/policygraph tasks
	$(BIN)/policygraph site -o site
	@echo "Open site/index.html in a browser (it works from disk, with no server or network)."

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/policygraph validate > /dev/null || { $(BIN)/policygraph validate; exit 1; }
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) build dist
