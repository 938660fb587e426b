# Quick start: `make demo` then `make ui`; `make test` runs the whole suite.
UV ?= python3 -m uv
RUN := $(UV) run --frozen

.PHONY: install demo test lint ui dbt-parse clean

install: .venv/.installed

.venv/.installed: pyproject.toml uv.lock
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen
	@touch $@

dbt-parse: install
	cd store_pipeline_dbt && ../.venv/bin/dbt parse --quiet

demo: install dbt-parse
	$(RUN) store-pipeline demo

test: install dbt-parse lint
	$(RUN) pytest

lint: install
	$(RUN) ruff check .
	$(RUN) sqlfluff lint --disable-progress-bar store_pipeline_dbt/models

ui: install
	$(RUN) store-pipeline ui

clean:
	rm -rf var store_pipeline_dbt/target store_pipeline_dbt/logs
