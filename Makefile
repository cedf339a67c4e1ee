# Samenhang: `make run` serves the site with demo data, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYBABEL := $(BIN)/pybabel
LOCALES := nl en tr ar pl uk
AXE_VERSION := 4.14.1
AXE_JS := tests/browser/axe.min.js
# pytest-xdist workers; each gets its own database (and browser for the browser tests).
PYTEST_WORKERS ?= 2

.PHONY: run test translations compile-translations lint format install install-test clean vendor lock audit

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installs come from the lock files (exact versions, checked hashes); the project itself
# goes in editable, without resolving anything again. `make lock` refreshes them.
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml requirements-test.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-test.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

compile-translations: $(VENV)/.installed
	$(PYBABEL) compile --directory translations --domain messages --statistics

run: install compile-translations
	$(BIN)/samenhang db upgrade
	$(BIN)/samenhang seed-demo --if-empty
	$(BIN)/samenhang run --host 127.0.0.1 --port 5000

# axe-core comes from the npm registry as a tarball (npm pack): no node_modules, no Node at
# run time. Without npm the browser tests say so and fail in CI.
$(AXE_JS):
	@if command -v npm >/dev/null 2>&1; then \
		tmp=$$(mktemp -d) && (cd $$tmp && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null \
		&& tar xzf axe-core-$(AXE_VERSION).tgz) && cp $$tmp/package/axe.min.js $@ && rm -rf $$tmp; \
	else echo "npm not found: browser tests need $(AXE_JS) (npm pack axe-core@$(AXE_VERSION))"; fi

# NL Design System CSS and design tokens, from the npm registry (npm pack), into
# platform/static/vendor/nlds and platform/static/themes: see docs/themes.md. The files are
# committed; neither `make run` nor `make test` runs this.
vendor: install
	$(BIN)/python tools/vendor_nlds.py

# The lock files, resolved again from pyproject.toml (newest versions it allows), with hashes.
lock: $(BIN)/python
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 \
		--quiet --output-file requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra test --generate-hashes --python-version 3.11 \
		--quiet --output-file requirements-test.lock

# Known vulnerabilities in the locked versions (pip-audit, from the test extra). Needs the
# network for advisory data: without it, it says so and does not fail (`make test` runs it).
audit: install-test
	$(BIN)/python tools/audit_lock.py requirements.lock

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install-test compile-translations lint audit $(AXE_JS)
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest -n $(PYTEST_WORKERS)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL: $$TEST_DATABASE_URL"; \
		$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m "not pure and not browser"; \
	fi

translations: install-test
	$(PYBABEL) extract --mapping-file translations/babel.cfg --output-file translations/messages.pot \
		--keywords _l --keywords N_ --keywords lazy_gettext --keywords lazy_pgettext:1c,2 --keywords lazy_ngettext:1,2 --keywords Nn_:1,2 --no-location --sort-output \
		--project Samenhang --copyright-holder Samenhang --msgid-bugs-address contact@samenhang.localhost \
		--width 100 .
	@for l in $(LOCALES); do \
		$(PYBABEL) update --input-file translations/messages.pot --output-dir translations \
			--locale $$l --init-missing --no-fuzzy-matching --ignore-obsolete --width 100 \
			--ignore-pot-creation-date; \
	done

clean:
	rm -rf $(VENV) instance translations/*/LC_MESSAGES/*.mo
