# The two commands of the README. Each installs what is missing first.
.PHONY: setup pdfs test clean

PY := .venv/bin/python

setup:
	@scripts/setup

pdfs: setup
	$(PY) build_pdfs.py

test:
	@scripts/setup test
	$(PY) -m pytest

clean:
	rm -rf dist .pytest_cache
