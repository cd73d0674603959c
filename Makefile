# jdih-build: the two commands a fresh machine needs are `make build` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: build test check clean bench serve fuzz audit lint messages system-packages help

help:
	@echo "make build   create .venv, install jdih-build, build the sample site into output/"
	@echo "make test    lint (ruff), types (mypy), then the whole test suite (unit, hostile, browser)"
	@echo "make check   validate content/, approvals/ and the settings; write nothing"
	@echo "make bench   build a realistic generated catalogue (PDFs, scans) against Hugo + Pagefind: time and memory"
	@echo "make fuzz    the long property-based fuzzing profile (10,000 random sites and mutations, 10,000 damaged caches)"
	@echo "make audit   pip-audit of the installed dependencies (needs an advisory service)"
	@echo "make serve   live preview on http://127.0.0.1:8000/"
	@echo "make messages  extract the CLI's messages into the Indonesian catalogue and compile it"
	@echo "make clean   remove output/, the build cache, caches and the virtual environment"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

node_modules/.installed: package.json package-lock.json | system-packages
	npm ci --no-audit --no-fund --silent
	@touch $@

build: $(STAMP)
	$(BIN)/jdih build

test: $(STAMP) system-packages node_modules/.installed lint
	$(BIN)/pytest -q

system-packages:
	@scripts/system_packages.sh

messages: $(STAMP)
	$(BIN)/python scripts/compile_messages.py --update

lint: $(STAMP)
	$(BIN)/ruff check jdih_build tests scripts benchmarks
	$(BIN)/mypy

check: $(STAMP)
	$(BIN)/jdih check

serve: $(STAMP)
	$(BIN)/jdih serve

fuzz: $(STAMP)
	JDIH_FUZZ_PROFILE=long $(BIN)/pytest -q -p no:cacheprovider tests/hostile/test_hostile_fuzz.py \
	  "tests/hostile/test_hostile_cache.py::test_random_damage_to_a_warm_cache_never_changes_the_output" \
	  --hypothesis-show-statistics

audit: $(STAMP)
	$(BIN)/pip install --quiet pip-audit
	$(BIN)/pip freeze --exclude-editable > .audit-requirements.txt
	$(BIN)/pip-audit --strict --progress-spinner off -r .audit-requirements.txt; rc=$$?; rm -f .audit-requirements.txt; exit $$rc

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_build.py $(BENCH_ARGS)

clean:
	rm -rf output .output.* .jdih-cache laporan $(VENV) node_modules .pytest_cache tests/artifacts bench-data
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
