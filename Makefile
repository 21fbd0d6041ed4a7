# burnlink: `make run` serves on http://127.0.0.1:8000, `make test` runs every test.
VENV   ?= .venv
PY     := $(VENV)/bin/python
RUN_STAMP  := $(VENV)/.run-stamp
TEST_STAMP := $(VENV)/.test-stamp
TOOLS  := .venv-tools
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install run test lint unit js bench clean lock audit i18n-extract i18n-update i18n-compile

# Every dependency is pinned, with its hashes, in the lock files (`make lock` remakes them); burnlink
# itself goes in without dependencies, built by the locked setuptools. Serving needs only the
# runtime lock; the test toolchain (browsers' driver, fuzzers, linters) comes with `make test`.
$(RUN_STAMP): pyproject.toml requirements.lock requirements-build.lock
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --require-hashes -r requirements.lock -r requirements-build.lock
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	touch $@

$(TEST_STAMP): $(RUN_STAMP) requirements-test.lock
	$(PY) -m pip install -q --require-hashes -r requirements-test.lock
	touch $@

# uv (to lock) and pip-audit (to audit), pinned with hashes in their own environment.
$(TOOLS)/.installed-stamp: requirements-tools.lock
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install -q --require-hashes -r requirements-tools.lock
	touch $@

install: $(TEST_STAMP)

run: $(RUN_STAMP)
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

# Remake the lock files from pyproject.toml, keeping today's pins; `make lock UPGRADE=--upgrade` moves them.
LOCK := $(TOOLS)/bin/uv pip compile --quiet --python-version 3.11 --generate-hashes --custom-compile-command "make lock" $(UPGRADE)
lock: $(TOOLS)/.installed-stamp
	$(LOCK) pyproject.toml -o requirements.lock
	$(LOCK) pyproject.toml --extra test -c requirements.lock -o requirements-test.lock
	$(LOCK) requirements-build.in -o requirements-build.lock
	$(LOCK) requirements-tools.in -o requirements-tools.lock

# The gettext catalogs (docs/i18n/README.md): extract the English from the code and templates, merge
# it into every translations/<lang>/LC_MESSAGES/messages.po, compile the .mo files the server reads.
# The .mo files are committed, so a clean clone serves every language; a unit test fails when one
# is older than its .po.
PYBABEL := $(VENV)/bin/pybabel
i18n-extract: install
	$(PYBABEL) -q extract -F babel.cfg --project burnlink --copyright-holder "the burnlink authors" --no-location --sort-output -c TRANSLATORS: -o translations/messages.pot .
i18n-update: i18n-extract
	$(PYBABEL) -q update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
i18n-compile: install
	$(PYBABEL) compile -d translations --statistics

# Known vulnerabilities in the locked dependencies. Needs an advisory service (PyPI's JSON API, or OSV:
# AUDIT_ARGS="-s osv --osv-url URL" for a mirror) and npm's audit endpoint; see docs/security.md.
audit: $(TOOLS)/.installed-stamp
	$(TOOLS)/bin/pip-audit -r requirements.lock --no-deps --disable-pip --strict --progress-spinner off $(AUDIT_ARGS)
	$(TOOLS)/bin/pip-audit -r requirements-test.lock --no-deps --disable-pip --strict --progress-spinner off $(AUDIT_ARGS)
	npm audit --package-lock-only

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .ruff_cache .hypothesis
