# Quick start on a fresh machine:  make demo  &&  make test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.govie-installed

FUZZ_SECONDS ?= 60

.PHONY: venv demo test fuzz bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

demo: venv
	mkdir -p out
	$(BIN)/govie extract examples/sample_report.txt -o out/sample.jsonl
	$(BIN)/python -c "import govie, pandas as pd; pd.set_option('display.width', 200); pd.set_option('display.max_rows', 200); pd.set_option('display.float_format', '{:,.6g}'.format); df = govie.to_dataframe(govie.extract(govie.read_text('examples/sample_report.txt'))); print(df[['indicator_name', 'type', 'status', 'qualifier', 'number', 'number_high', 'unit', 'value_text']].to_string(index=False))"

test: venv
	$(BIN)/python -m pytest -q
	$(BIN)/python tests/fuzz.py --seconds $(FUZZ_SECONDS)

fuzz: venv
	$(BIN)/python tests/fuzz.py --seconds $(FUZZ_SECONDS)

bench: venv
	$(BIN)/python benchmarks/speed.py

clean:
	rm -rf out build dist .pytest_cache .hypothesis *.egg-info govie.egg-info $(STAMP)
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
