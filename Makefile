# Two commands set everything up from a clean clone (Python 3.11 and make needed):
#   make demo   install the runtime into .venv and start the app at http://127.0.0.1:7860
#   make test   install the test tools into .venv (and Chromium, as root) and run all tests
# Also: make train (retrain the shipped models), make evaluate, make bench.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

# MNIST: an explicit MNIST_PATH wins; else the sibling data folder of development machines
# and CI; else the scripts download it the usual Keras way.
SHARED_MNIST := $(abspath ../shared/data/mnist.npz)
ifeq ($(origin MNIST_PATH), undefined)
ifneq ($(wildcard $(SHARED_MNIST)),)
export MNIST_PATH := $(SHARED_MNIST)
endif
endif

.PHONY: demo test train evaluate bench chromium clean

$(BIN)/python:
	command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 or run make PYTHON=python3"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements-test.txt $(VENV)/.runtime-installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

demo: $(VENV)/.runtime-installed
	$(BIN)/python -m demo

# The browser test drives Debian's Chromium; Playwright's own browser download is not used.
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	  else echo "Chromium is missing: run 'sudo apt-get install chromium' (Debian) and try again."; exit 1; fi; }

test: $(VENV)/.test-installed chromium
	$(BIN)/python -m pytest

train: $(VENV)/.runtime-installed
	$(BIN)/python -m model.train --cell lstm
	$(BIN)/python -m model.train --cell gru
	$(BIN)/python -m model.train --cell rnn
	$(BIN)/python -m model.evaluate --cell all --write-card

evaluate: $(VENV)/.runtime-installed
	$(BIN)/python -m model.evaluate --cell all

bench: $(VENV)/.test-installed
	$(BIN)/python -m scripts.bench

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
