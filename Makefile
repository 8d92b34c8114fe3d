# The README's two commands are `make run` and `make test`; the rest are helpers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MUTATION_STAMP := $(VENV)/.mutation-installed

# The versions installed are the lock's, with their hashes (requirements-dev.lock; the Docker image installs
# requirements.lock); `make lock` writes both from pyproject.toml, keeping every pin it can.
LOCK_PYTHON := 3.11
LOCK_FLAGS ?=

.PHONY: run test lint format openapi migrate bench mutation clean lock

$(STAMP): pyproject.toml requirements-dev.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	$(BIN)/python -m web.assets
	touch $(STAMP)

$(MUTATION_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,mutation]'
	touch $(MUTATION_STAMP)

# `make lock LOCK_FLAGS=--upgrade` takes the newest versions pyproject.toml allows.
lock:
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "uv>=0.9,<1"
	$(BIN)/uv pip compile pyproject.toml --extra redis --extra dev --universal --python-version $(LOCK_PYTHON) \
		--generate-hashes --custom-compile-command "make lock" --quiet $(LOCK_FLAGS) -o requirements-dev.lock
	# the image runs the versions the tests ran: the runtime lock is constrained by the dev lock
	$(BIN)/uv pip compile pyproject.toml --extra redis --universal --python-version $(LOCK_PYTHON) --generate-hashes \
		--custom-compile-command "make lock" --quiet -c requirements-dev.lock -o requirements.lock

run: $(STAMP)
	$(BIN)/futuresocial up

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

openapi: $(STAMP)
	$(BIN)/futuresocial openapi

migrate: $(STAMP)
	$(BIN)/futuresocial migrate

# Mutation testing of the pure rule modules against their own unit and property tests, one mutant at a
# time (mutmut's children in parallel report survivors as killed); 5.5 minutes on 2 idle cores. Not part
# of `make test` or CI. Configured in pyproject.toml ([tool.mutmut]); what survives is in docs/mutation.md.
mutation: $(MUTATION_STAMP)
	rm -rf mutants
	$(BIN)/mutmut run --max-children 1
	$(BIN)/mutmut results
	$(BIN)/mutmut results --all true | awk -F': ' '{ split($$1, name, ".x"); module = name[1]; gsub(/ /, "", module); \
		total[module]++; if ($$2 == "killed") killed[module]++ } \
		END { for (module in total) printf "%s: %d of %d mutants killed (%.1f%%)\n", \
		module, killed[module], total[module], 100 * killed[module] / total[module] }' | sort

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache mutants
