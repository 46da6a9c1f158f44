# Every target bootstraps .venv first, so one command does all the set-up.
# .venv/bin goes on PATH because nbgrader runs `alembic` from PATH to create a gradebook.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
# Extras (pyproject.toml): `hub` for make hub, `test` (hub, postgres, browser) for make test.
HUB_STAMP := $(VENV)/.installed-hub
TEST_STAMP := $(VENV)/.installed-test
# configurable-http-proxy, the proxy JupyterHub runs, from npm (deploy/package-lock.json).
PROXY_STAMP := deploy/node_modules/.installed
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export MPLBACKEND ?= Agg
# Jupyter's own config and runtime files stay out of the user's home directory tree.
export JUPYTER_PLATFORM_DIRS := 1

PORT ?= 8888
HUB_PORT ?= 8000
ASSIGNMENTS := $(notdir $(wildcard source/[0-9][0-9]-*))

.PHONY: install lab instructor-lab release diagrams solutions grade feedback summary demo hub test test-fast test-full bench selfcheck gradescope-bundle clean

install: $(STAMP) $(TEST_STAMP) $(PROXY_STAMP)

# Redone only when pyproject.toml changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e .
	$(VENV)/bin/jupyter labextension enable --level=sys_prefix nbgrader >/dev/null 2>&1 || true
	$(VENV)/bin/jupyter server extension enable --sys-prefix nbgrader >/dev/null 2>&1 || true
	touch $(STAMP)

$(HUB_STAMP): $(STAMP)
	$(VENV)/bin/python -m pip install --quiet -e '.[hub]'
	touch $(HUB_STAMP)

$(TEST_STAMP): $(STAMP)
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(TEST_STAMP) $(HUB_STAMP)

$(PROXY_STAMP): deploy/package.json deploy/package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js and npm (Debian: apt-get install nodejs npm)" >&2; exit 1; }
	npm ci --prefix deploy --no-audit --no-fund --loglevel=error
	touch $(PROXY_STAMP)

# Students: the lab opens at release/. Instructors: at the course folder (source/, Formgrader).
lab: $(STAMP)
	$(VENV)/bin/python -m autograder lab --port $(PORT)

instructor-lab: $(STAMP)
	$(VENV)/bin/python -m autograder lab --instructor --port $(PORT)

hub: $(HUB_STAMP) $(PROXY_STAMP)
	$(VENV)/bin/python -m autograder hub --port $(HUB_PORT)

# release/ from source/, the quiz keys from source/, and a picture of any new diagram.
release: $(STAMP)
	$(VENV)/bin/python -m autograder release $(ASSIGNMENTS)

# Mermaid from npm (tools/mermaid/), then a picture of every diagram in source/ that has none.
diagrams: $(STAMP) $(TEST_STAMP)
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js and npm (Debian: apt-get install nodejs npm)" >&2; exit 1; }
	npm ci --prefix tools/mermaid --no-audit --no-fund --loglevel=error
	$(VENV)/bin/python -m autograder release $(ASSIGNMENTS)

# Worked solutions with explanations, for handing out after the due date (docs/solutions.md).
solutions: $(STAMP)
	$(VENV)/bin/python -m autograder solutions $(ASSIGNMENTS)

# JOBS=N grades N submissions side by side (default: one per core). STUDENT=<id> and/or
# ASSIGNMENT=<name> grade only those (a regrade: everything else stays as it was);
# SHARD=i/N grades the i-th of N slices (N machines sharing one PostgreSQL gradebook).
grade: $(STAMP)
	$(VENV)/bin/python -m autograder grade $(if $(JOBS),--jobs $(JOBS)) $(if $(STUDENT),--student '$(STUDENT)') \
		$(if $(ASSIGNMENT),--assignment '$(ASSIGNMENT)') $(if $(SHARD),--shard '$(SHARD)')

# After grading written answers in the formgrader: their feedback, grades.csv, the report.
feedback: $(STAMP)
	$(VENV)/bin/python -m autograder feedback

# reports/class-summary.html: score histograms, pass rate per property, common failures, flags.
summary: $(STAMP)
	$(VENV)/bin/python -m autograder summary

# GRADEBOOK=postgresql+psycopg://user@host/db grades the demo into that database instead.
demo: $(STAMP)
	$(VENV)/bin/python -m autograder demo $(if $(JOBS),--jobs $(JOBS)) $(if $(GRADEBOOK),--gradebook '$(GRADEBOOK)')

# ASSIGNMENT=02-locks: a bundle for that assignment only (it refuses another's notebook).
gradescope-bundle: $(STAMP)
	$(VENV)/bin/python -m autograder gradescope-bundle $(if $(ASSIGNMENT),--assignment '$(ASSIGNMENT)')

selfcheck: $(STAMP)
	$(VENV)/bin/python -m autograder selfcheck $(NB)

# QUEUE_FROM=path/to/05-conditions.ipynb also measures the BoundedQueue answered there.
bench: $(STAMP)
	$(VENV)/bin/python -m course.contention.bench $(if $(QUEUE_FROM),--queue-from $(QUEUE_FROM))

# pytest processes side by side (pytest-xdist), one per core up to 4; TEST_WORKERS=0 runs the
# tests in one process. Each test module stays in one worker (--dist loadfile): a module's
# fixtures are made once, and tests/checkkit.py checks its answers in collection order.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; echo $$n)
XDIST := -n $(TEST_WORKERS) --dist loadfile

# Everything (what CI runs, as test-fast then test-full). The tiers: tests/conftest.py FAST_TIER.
test: $(STAMP) $(TEST_STAMP) $(PROXY_STAMP)
	$(VENV)/bin/python -m pytest $(XDIST) $(PYTEST_ARGS)

# Static, engine and check tests: no nbgrader run, no npm, PostgreSQL or Chromium (about 1 min).
test-fast: $(STAMP) $(TEST_STAMP)
	$(VENV)/bin/python -m pytest -m "not full" $(XDIST) $(PYTEST_ARGS)

# The rest: notebooks, nbgrader runs, the hub, the browser, PostgreSQL, the whole corpus.
test-full: $(STAMP) $(TEST_STAMP) $(PROXY_STAMP)
	$(VENV)/bin/python -m pytest -m full $(XDIST) $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .demo-course build gradescope-autograder.zip exports reports deploy/node_modules tools/mermaid/node_modules
