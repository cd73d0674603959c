# jdih-build: the two commands a fresh machine needs are `make build` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: build test check clean bench serve help

help:
	@echo "make build   create .venv, install jdih-build, build the sample site into output/"
	@echo "make test    run the whole test suite (unit, end-to-end, browser)"
	@echo "make check   validate content/, approvals/ and the settings; write nothing"
	@echo "make bench   build a large generated catalogue and report time and memory"
	@echo "make serve   live preview on http://127.0.0.1:8000/"
	@echo "make clean   remove output/, caches and the virtual environment"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

build: $(STAMP)
	$(BIN)/jdih build

test: $(STAMP) node_modules/.installed
	$(BIN)/pytest -q

check: $(STAMP)
	$(BIN)/jdih check

serve: $(STAMP)
	$(BIN)/jdih serve

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_build.py

clean:
	rm -rf output .output.* laporan $(VENV) node_modules .pytest_cache tests/artifacts bench-data
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
