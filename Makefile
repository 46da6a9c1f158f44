# Every target bootstraps .venv first, so one command does all the set-up.
# .venv/bin goes on PATH because nbgrader runs `alembic` from PATH to create a gradebook.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export MPLBACKEND ?= Agg
# Jupyter's own config and runtime files stay out of the user's home directory tree.
export JUPYTER_PLATFORM_DIRS := 1

PORT ?= 8888
ASSIGNMENTS := $(notdir $(wildcard source/[0-9][0-9]-*))

.PHONY: install lab release grade demo test bench selfcheck gradescope-bundle clean

install: $(STAMP)

# Redone only when pyproject.toml changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e .
	$(VENV)/bin/jupyter labextension enable --level=sys_prefix nbgrader >/dev/null 2>&1 || true
	$(VENV)/bin/jupyter server extension enable --sys-prefix nbgrader >/dev/null 2>&1 || true
	touch $(STAMP)

lab: $(STAMP)
	$(VENV)/bin/python -m autograder lab --port $(PORT)

release: $(STAMP)
	$(VENV)/bin/python -m autograder release $(ASSIGNMENTS)

# JOBS=N grades N submissions side by side (default: one per core).
grade: $(STAMP)
	$(VENV)/bin/python -m autograder grade $(if $(JOBS),--jobs $(JOBS))

demo: $(STAMP)
	$(VENV)/bin/python -m autograder demo $(if $(JOBS),--jobs $(JOBS))

gradescope-bundle: $(STAMP)
	$(VENV)/bin/python -m autograder gradescope-bundle

selfcheck: $(STAMP)
	$(VENV)/bin/python -m autograder selfcheck $(NB)

# QUEUE_FROM=path/to/05-conditions.ipynb also measures the BoundedQueue answered there.
bench: $(STAMP)
	$(VENV)/bin/python -m course.contention.bench $(if $(QUEUE_FROM),--queue-from $(QUEUE_FROM))

test: $(STAMP)
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .demo-course build gradescope-autograder.zip exports
