# EngraveDetect Catalogue — the two commands: `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test desktop-tools dist lint bench bench-quick bench-big screenshots clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 ou plus récent requis"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# The window needs the X libraries of Qt's xcb plugin: installed as root, else the exact
# `sudo apt-get install ...` is printed and make stops (see gui/platform_check.py).
run: $(STAMP)
	$(PY) -m gui.platform_check
	$(PY) main.py

# The desktop test (tests/gui/test_real_app_on_xcb.py) starts the real app on Xvfb: what it
# needs is installed here when missing, as root with apt-get (CI); elsewhere the test is skipped.
DESKTOP_PACKAGES := xvfb xdotool imagemagick
desktop-tools: $(STAMP)
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  if ! { command -v Xvfb && command -v xdotool && command -v import; } >/dev/null; then \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y --no-install-recommends $(DESKTOP_PACKAGES) \
	      || { apt-get update && apt-get install -y --no-install-recommends $(DESKTOP_PACKAGES); }; \
	  fi; \
	  $(PY) -m gui.platform_check --force; \
	fi

test: $(STAMP) desktop-tools
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

# A folder application that starts without Python: dist/engravedetect/ (see README, « Distribuer »).
DIST_STAMP := $(VENV)/.dist-installed
$(DIST_STAMP): pyproject.toml $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,dist]'
	touch $(DIST_STAMP)

dist: $(DIST_STAMP)
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN \
	  --distpath dist --workpath build/pyinstaller packaging/engravedetect.spec

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m bench.run --full

bench-quick: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m bench.run --quick

# 10 GB of engraving photos (about 10,000 lenses): open, gallery, backup, cancel, check, memory.
bench-big: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m bench.big $(if $(SIZE_MB),--size-mb $(SIZE_MB))

# The README's pictures, from the real window on the sample catalogue (docs/make_screenshots.py).
screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) docs/make_screenshots.py

clean:
	rm -rf $(VENV) build dist *.egg-info
