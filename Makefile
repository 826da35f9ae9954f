# Two commands for a newcomer: `make demo` and `make test`. Each sets up what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?= -n 2

.PHONY: demo test lint format setup system-deps lab clean

setup: $(STAMP)

# Virtualenv + the package (editable) + test tools + a Jupyter kernel named "inspectlib".
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name inspectlib --display-name "Python (inspectlib)" >/dev/null
	touch $(STAMP)

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here)
# and Debian's PostgreSQL for the archive tests (started on 127.0.0.1 by the tests themselves);
# a CJK font so that screenshots of maps and reports show Chinese text; poppler-utils to read
# the reports printed to PDF.
system-deps:
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || missing="$$missing fonts-wqy-microhei"; \
	test -x /usr/bin/pdftotext || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

demo: $(STAMP)
	$(BIN)/inspectlib demo

# JupyterLab for planners: opens the planner notebook (builds the demo inputs if missing).
# As root (a container, the set-up above) Jupyter needs --allow-root.
LAB_PORT ?= 8888
ALLOW_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
lab: $(STAMP)
	test -f outputs/demo/inputs/register.csv || $(BIN)/inspectlib demo
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) $(ALLOW_ROOT) \
	  --LabApp.extension_manager=readonly inspectlib/notebooks/planner.ipynb

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: $(STAMP) system-deps lint
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
