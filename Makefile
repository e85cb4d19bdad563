# Two commands set everything up on a fresh machine:
#   make run    compile the example flows in flows/ into dist/
#   make test   run the test suite (installs the Debian packages it needs)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= dist

.PHONY: run test bench bench-flask docs clean system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# A regular (non-editable) install, as a user gets it.
$(VENV)/.installed: $(BIN)/python pyproject.toml $(shell find flowc grammar -type f \( -name '*.py' -o -name '*.lark' -o -name '*.j2' -o -name '*.css' -o -name '*.js' \))
	$(BIN)/python -m pip install --quiet .
	$(BIN)/python -m pip install --quiet --force-reinstall --no-deps .
	touch $@

$(VENV)/.installed-site: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet ".[site]"
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet ".[test]"
	touch $@

$(VENV)/.installed-flask: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet ".[flask]"
	touch $@

run: $(VENV)/.installed $(VENV)/.installed-site $(VENV)/.installed-flask
	$(BIN)/flowc build flows/*.flow -o $(OUT)/twiml
	@echo "TwiML for the flows in flows/*.flow is in $(OUT)/twiml/ (one directory per flow, one .xml per step)."
	$(BIN)/flowc build --target site flows/*.flow -o $(OUT)/site
	@echo "The site for the flows in flows/*.flow: $(abspath $(OUT)/site/index.html)"
	$(BIN)/flowc build --target flask flows -o $(OUT)/voiceapp
	@echo "The Flask app for every flow under flows/ is in $(OUT)/voiceapp/ (your code goes in $(OUT)/voiceapp/handlers.py)."
	@echo "Start it (see docs/flask.md):"
	@echo "  cd $(OUT) && TWILIO_AUTH_TOKEN=<your auth token> $(abspath $(BIN))/flask --app voiceapp run"
	@echo "  cd $(OUT) && TWILIO_AUTH_TOKEN=<your auth token> $(abspath $(BIN))/gunicorn --config voiceapp/gunicorn_config.py"

system-deps:
	bash scripts/system-deps.sh

# ruff and mypy read their settings from pyproject.toml; both must pass before the tests run.
test: $(VENV)/.installed-test system-deps
	$(BIN)/ruff check .
	$(BIN)/mypy
	cd tests && ../$(BIN)/python -m pytest -c ../pyproject.toml --rootdir .. $(PYTEST_ARGS)
	$(BIN)/flowc test flows

bench: $(VENV)/.installed-test
	$(BIN)/python bench/compile.py

bench-flask: $(VENV)/.installed-test
	$(BIN)/python bench/flask_load.py

docs: $(VENV)/.installed
	$(BIN)/python -m flowc.docgen > docs/diagnostics.md
	$(BIN)/python -m flowc.docgen --language docs/language.md

clean:
	rm -rf $(VENV) $(OUT) build *.egg-info .pytest_cache

# The TextMate grammar test tokenizes with vscode-textmate (npm, pinned by the lock file).
TEXTMATE := tests/textmate
$(TEXTMATE)/node_modules/.installed: $(TEXTMATE)/package.json $(TEXTMATE)/package-lock.json | system-deps
	cd $(TEXTMATE) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: $(TEXTMATE)/node_modules/.installed

# The browser tests run axe-core (npm, pinned by the lock file) in the site's pages.
AXE := tests/axe
$(AXE)/node_modules/.installed: $(AXE)/package.json $(AXE)/package-lock.json | system-deps
	cd $(AXE) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: $(AXE)/node_modules/.installed
