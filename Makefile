# The README's two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run settings test unit lint format bench install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# A checkout runs on SQLite or PostgreSQL alike, so it has PostgreSQL's driver (the postgres extra).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[postgres]'
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test,dev]'
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Per-install settings in $(INSTANCE)/config.py (git ignores it): a secret key, made once, and the
# address the site is served at, so that every `advocacy` command finds both without exports. A
# BASE_URL written by hand is kept; one written here follows HOST and PORT.
INSTANCE ?= instance
define WRITE_SETTINGS
import re, secrets, sys
from pathlib import Path
path, url = Path(sys.argv[1]), sys.argv[2]
text = path.read_text(encoding="utf-8") if path.exists() else ""
mark = "  # written by make run"
if not re.search(r"^SECRET_KEY\s*=", text, re.M):
    text += f"SECRET_KEY = {secrets.token_hex(32)!r}\n"
    print(f"created {path} with a new secret key")
line = f"BASE_URL = {url!r}{mark}"
if re.search(r"^BASE_URL\s*=.*" + re.escape(mark) + "$$", text, re.M):
    text = re.sub(r"^BASE_URL\s*=.*" + re.escape(mark) + "$$", lambda _: line, text, flags=re.M)
elif not re.search(r"^BASE_URL\s*=", text, re.M):
    text += line + "\n"
    print(f"set BASE_URL to {url} in {path}")
path.write_text(text, encoding="utf-8")
endef
export WRITE_SETTINGS
settings: | $(BIN)/python
	@mkdir -p $(INSTANCE)
	@$(BIN)/python -c "$$WRITE_SETTINGS" "$(INSTANCE)/config.py" "http://$(HOST):$(PORT)"

# Production settings from gunicorn.conf.py (workers, timeouts, an access log without query
# strings: an address typed into /lookup is never written down); --bind wins over the file.
# Lawmakers from the shared data set when the checkout sits next to it, else from Open States.
SHARED_OPENSTATES := $(wildcard ../shared/data/openstates/mo.csv)
ifneq ($(SHARED_OPENSTATES),)
run: export ADVOCACY_OPENSTATES_URL ?= $(abspath ../shared/data/openstates)
endif
run: install settings
	$(BIN)/advocacy init-db
	$(BIN)/advocacy seed
	@echo ""
	@echo "Advocacy is running at http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	@echo "To make the first admin account, in another terminal in this folder:"
	@echo "  .venv/bin/advocacy create-user you@example.org --role admin"
	@echo "(it asks for a password twice), then log in at http://$(HOST):$(PORT)/auth/login"
	@echo ""
	$(BIN)/gunicorn -c gunicorn.conf.py --bind $(HOST):$(PORT) 'advocacy:create_app()'

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

# The whole suite on SQLite (browser tests included: Debian's /usr/bin/chromium, offline), then
# again on PostgreSQL when ADVOCACY_TEST_DATABASE_URL names one. The browser tests print the taps
# per journey and each page's audit at the end, and keep them as JSON in BROWSER_REPORT.
BROWSER_REPORT ?= .pytest_cache/browser-report.json
test: lint
	env -u ADVOCACY_TEST_DATABASE_URL ADVOCACY_BROWSER_REPORT=$(BROWSER_REPORT) $(BIN)/pytest
	@if [ -n "$$ADVOCACY_TEST_DATABASE_URL" ]; then \
		echo "again on $$ADVOCACY_TEST_DATABASE_URL"; \
		$(BIN)/pytest -m "not browser"; \
	fi

# The quick loop while working, on SQLite: the tests that run in this process, each inside a
# transaction; not the browser tests, the wheel install, or those with servers and workers.
# Python keeps its compiled modules (git ignores __pycache__) even where PYTHONDONTWRITEBYTECODE is
# set: without them pytest rewrites every test module again each run, and every command a test
# starts compiles the app again.
unit: install-test
	env -u ADVOCACY_TEST_DATABASE_URL -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest -m "not browser and not package and not committed"

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Every page over HTTP under gunicorn, against a plain Flask hello, on SQLite and (when one answers)
# PostgreSQL; `make bench QUICK=1` is the two-minute version. wrk comes from Debian.
QUICK ?=
bench: install-test
	@command -v wrk >/dev/null 2>&1 || { \
		echo "installing wrk (Debian package)"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; $$SUDO apt-get update -qq && $$SUDO apt-get install -y wrk; \
	} || { echo "wrk is missing and could not be installed: apt-get install wrk" >&2; exit 2; }
	QUICK=$(QUICK) $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
