# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 7860

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False

.PHONY: run test install browser index lint format audit lock bench eval clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# torch==2.13.0 is pinned in pyproject.toml: pip takes the local CPU wheel.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the browser tests, installed only when missing.
browser:
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || \
	  { (apt-get update -qq || true) && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver; }

index: install
	$(PY) -m assistant index status

run: index
	$(PY) app.py --host $(HOST) --port $(PORT)

test: install browser
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

# Known-vulnerability audit of the locked versions (requirements.lock = pip freeze of .venv).
audit: install
	$(VENV)/bin/pip-audit -r requirements.lock --no-deps --disable-pip

lock: install
	$(VENV)/bin/pip freeze --exclude-editable | grep -v '^imc-ethics' > requirements.lock

bench: index
	$(PY) -m assistant bench

eval: index
	$(PY) -m assistant eval --split test

clean:
	rm -rf index .pytest_cache
