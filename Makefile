# Quick start: `make demo` then `make ui`; `make test` runs the whole suite.
UV ?= python3 -m uv
RUN := $(UV) run --frozen

.PHONY: install demo test lint tsql-check docs ui dbt-parse clean

install: .venv/.installed

.venv/.installed: pyproject.toml uv.lock
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen --compile-bytecode  # byte-compiled once, not on each first import
	@touch $@

# The manifest, and the dbt parse state every new data home starts from.
dbt-parse: install
	.venv/bin/python -m store_pipeline.internals.dbt_parse_state

demo: install dbt-parse
	$(RUN) store-pipeline demo

# The suite runs the T-SQL check itself (test_tsql_portability.py), so `test` does not add it.
test: install dbt-parse lint
	$(RUN) pytest

# sqlfluff parses a file at a time on every core; its workers' shutdown notice is not a finding.
lint: install
	$(RUN) ruff check .
	PYTHONWARNINGS="ignore:resource_tracker:UserWarning" \
	  $(RUN) sqlfluff lint --disable-progress-bar --processes 0 store_pipeline_dbt/models

# Compile every model, test and snapshot for SQL Server (no server needed) and check the T-SQL.
tsql-check: install
	$(RUN) python -m store_pipeline.lib.portability

# dbt's documentation site (models, columns, tests, exposures, lineage) on http://127.0.0.1:8081;
# column types come from the warehouse (`make demo` fills it). Its own target folder keeps the
# parse state new data homes start from (target/) as `make dbt-parse` wrote it.
docs: install dbt-parse
	cd store_pipeline_dbt && mkdir -p "$${STORE_PIPELINE_HOME:-../var}" && \
		../.venv/bin/dbt docs generate --target-path target/docs
	cd store_pipeline_dbt && ../.venv/bin/dbt docs serve --target-path target/docs \
		--host 127.0.0.1 --port 8081 --no-browser

ui: install dbt-parse
	$(RUN) store-pipeline ui

clean:
	rm -rf var store_pipeline_dbt/target store_pipeline_dbt/logs
