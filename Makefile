# Two commands on a fresh machine with Python 3.11+:
#   make build   create .venv, install pinned requirements, build output/ from content/
#   make test    the same set-up plus test requirements, then run the test suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-runtime
TSTAMP := $(VENV)/.installed-test
BSTAMP := $(VENV)/.installed-browser

.PHONY: build test lint browser-test site-check browser-deps check serve benchmark clean distclean

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s)" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(TSTAMP): $(STAMP) requirements-test.txt requirements-dask.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	@touch $@

$(BSTAMP): $(TSTAMP) requirements-browser.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-browser.txt
	@touch $@

# Debian's chromium (Playwright cannot download browsers here) and Java (for the
# Nu Html Checker), then the pinned npm checkers of package.json.
browser-deps: node_modules/.installed
	@missing=""; command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

node_modules/.installed: package.json
	npm install --no-audit --no-fund --silent
	@touch $@

build: $(STAMP)
	$(PY) -m generator build

check: $(STAMP)
	$(PY) -m generator check

# The suite in TEST_JOBS processes (pytest-xdist), each taking whole test files, so a
# file's shared fixtures are made once: on two cores 15 minutes -> 8.
TEST_JOBS ?= 2
test: $(TSTAMP) lint
	$(PY) -m pytest -q -m "not browser" -n $(TEST_JOBS) --dist loadfile

# ruff (style, imports, likely bugs) over everything, mypy over generator/.
lint: $(TSTAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy

# The browser and site checks: live preview in chromium, Nu Html Checker,
# axe-core, keyboard, Lighthouse, screenshots (output-screenshots/), hostile content.
browser-test: $(BSTAMP) browser-deps
	$(PY) -m pytest -q -m browser

site-check: browser-test

serve: $(STAMP)
	$(PY) -m generator serve

benchmark: $(STAMP)
	$(PY) benchmarks/tempeval.py ../shared/data/tempeval3/tbaq

clean:
	rm -rf output .cache .preview .pytest_cache output-screenshots

distclean: clean
	rm -rf $(VENV)
