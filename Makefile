# Two commands on a fresh machine with Python 3.11+:
#   make build   create .venv, install pinned requirements, build output/ from content/
#   make test    the same set-up plus test requirements, then run the test suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-runtime
TSTAMP := $(VENV)/.installed-test
BSTAMP := $(VENV)/.installed-browser

.PHONY: build test browser-test browser-deps check serve benchmark clean distclean

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s)" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(TSTAMP): $(STAMP) requirements-test.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	@touch $@

$(BSTAMP): $(TSTAMP) requirements-browser.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-browser.txt
	@touch $@

# Debian's chromium for the browser tests (Playwright cannot download browsers here).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

build: $(STAMP)
	$(PY) -m generator build

check: $(STAMP)
	$(PY) -m generator check

test: $(TSTAMP)
	$(PY) -m pytest -q -m "not browser"

browser-test: $(BSTAMP) browser-deps
	$(PY) -m pytest -q -m browser

serve: $(STAMP)
	$(PY) -m generator serve

benchmark: $(STAMP)
	$(PY) benchmarks/tempeval.py ../shared/data/tempeval3/tbaq

clean:
	rm -rf output .cache .preview .pytest_cache

distclean: clean
	rm -rf $(VENV)
