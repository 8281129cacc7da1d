# The two quick-start commands, plus the checks they are made of.
# A virtual environment in .venv is created on first use and refreshed whenever pyproject.toml changes.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest fuzz soak bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/viya-mock serve

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Schemathesis' CLI against a live `viya-mock serve`, more examples than the suite runs. The admin API goes
# last: fuzzing it loads random scenarios and moves the clock under the other APIs.
FUZZ_PORT ?= 18765
FUZZ_EXAMPLES ?= 100
fuzz: $(STAMP)
	@$(BIN)/viya-mock serve --port $(FUZZ_PORT) --seed 1 > .fuzz-server.log 2>&1 & echo $$! > .fuzz-server.pid; \
	trap 'kill $$(cat .fuzz-server.pid) 2>/dev/null; rm -f .fuzz-server.pid' EXIT; \
	for i in $$(seq 100); do curl -sf http://127.0.0.1:$(FUZZ_PORT)/__admin/health > /dev/null && break; sleep 0.1; done; \
	status=0; \
	for api in jobExecution jobDefinitions files identities SASLogon compute folders SASJobExecution __admin; do \
		PYTHONPATH=. SCHEMATHESIS_HOOKS=tests.contract.fuzz_hooks $(BIN)/schemathesis run \
			http://127.0.0.1:$(FUZZ_PORT)/$$api/openapi.json --url http://127.0.0.1:$(FUZZ_PORT)/$$api \
			--max-examples $(FUZZ_EXAMPLES) --workers 2 --seed 1 || status=1; \
	done; \
	exit $$status

# Ten minutes of mixed traffic against a real server pinned to its own core; memory and latency each second.
SOAK_SECONDS ?= 600
soak: $(STAMP)
	$(BIN)/python bench/soak.py --seconds $(SOAK_SECONDS)

# viya-mock beside Prism, Connexion's mock mode and a bare Starlette app, each pinned to core 0 and wrk to core 1;
# writes the table into bench/README.md. Installs wrk (Debian) and the pinned npm peers when missing.
PEERS := bench/peers
bench: $(STAMP) $(PEERS)/node_modules/.installed
	command -v wrk > /dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/compare.py --write-readme

$(PEERS)/node_modules/.installed: $(PEERS)/package.json $(PEERS)/package-lock.json
	cd $(PEERS) && npm ci --no-audit --no-fund --loglevel=error
	touch $@
