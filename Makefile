# burnlink: `make run` serves on http://127.0.0.1:8000, `make test` runs every test.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install run test lint unit js bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	BURNLINK_ENV=$${BURNLINK_ENV:-development} $(VENV)/bin/burnlink serve --host $(HOST) --port $(PORT)

lint: install
	$(VENV)/bin/ruff check .
	bash .ci/lint-js

js:
	node --test tests/js/

unit: install
	$(VENV)/bin/pytest -q tests/unit

test: install lint js
	$(VENV)/bin/pytest -q

bench: install
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
