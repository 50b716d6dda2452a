# make test: set up .venv (if missing or stale) and run the whole suite.
# make demo: set up .venv, start the API emulator, run the example DAGs in real Airflow against it.
# make docs: set up .venv with the docs tools and build the Sphinx site into docs/_build/html.
PYTHON ?= python3
VENV ?= .venv
FLOOR_VENV ?= .venv-floor
AIRFLOW_FLOOR ?= 3.0.6
# Airflow 3.0's in-process execution API client sends JSON without a Content-Type header, which
# FastAPI 0.132+ rejects (strict_content_type); Airflow's own 3.0.6 constraints had FastAPI 0.116.
# PyJWT 2.11+ refuses the empty issuer Airflow 3.0 puts in its tokens ("Issuer (iss) must be a
# string"), so nobody can log in to the UI or the API; Airflow 3.0.6 itself needs PyJWT >= 2.10.
# cryptography 51 made MultiFernet a Rust object on which Airflow 3.0 sets an attribute: with a
# Fernet key configured, every connection (even from an environment variable) fails to load.
FLOOR_PINS ?= "fastapi<0.132" "cadwyn<8.2" "pyjwt<2.11" "cryptography<51"
# Four workers: most of the suite's time is spent waiting (servers, the rate budget), not computing.
# Each file runs in one worker (some files check what their own tests saw). PYTEST_ARGS="-n 0" runs
# it in one process.
PYTEST_ARGS ?= -n 4 --dist loadfile

.PHONY: test test-floor lint demo docs bench clean

$(VENV)/.installed: pyproject.toml
	@echo "Setting up $(VENV) (Airflow, about a minute)..."
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/python -m pip install --quiet --upgrade pip
	@$(VENV)/bin/python -m pip install --quiet -e ".[test]"
	@touch $@
	@echo "$(VENV) is ready."

$(VENV)/.docs-installed: $(VENV)/.installed
	@echo "Installing docs tools into $(VENV)..."
	@$(VENV)/bin/python -m pip install --quiet -e ".[test,docs]"
	@touch $@

$(FLOOR_VENV)/.installed: pyproject.toml
	@echo "Setting up $(FLOOR_VENV) (Airflow $(AIRFLOW_FLOOR), about a minute)..."
	test -x $(FLOOR_VENV)/bin/python || $(PYTHON) -m venv $(FLOOR_VENV)
	$(FLOOR_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(FLOOR_VENV)/bin/python -m pip install --quiet "apache-airflow==$(AIRFLOW_FLOOR)" $(FLOOR_PINS) -e ".[test]"
	touch $@

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

test: $(VENV)/.installed lint
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

# The same suite on the oldest Airflow we support, in its own environment.
test-floor: $(FLOOR_VENV)/.installed
	$(FLOOR_VENV)/bin/python -c "import airflow; assert airflow.__version__ == '$(AIRFLOW_FLOOR)', airflow.__version__"
	$(FLOOR_VENV)/bin/python -m pytest $(PYTEST_ARGS)

demo: $(VENV)/.installed
	$(VENV)/bin/python scripts/demo.py

# Warnings are errors. conf.py gives Airflow a temporary AIRFLOW_HOME (no database needed).
docs: $(VENV)/.docs-installed
	$(VENV)/bin/sphinx-build -W --keep-going -q -b html docs docs/_build/html
	@echo "Documentation: docs/_build/html/index.html"

bench: $(VENV)/.installed
	for script in benchmarks/[!_]*.py; do $(VENV)/bin/python $$script || exit 1; done

clean:
	rm -rf $(VENV) $(FLOOR_VENV) .pytest_cache .ruff_cache demo-output docs/_build
