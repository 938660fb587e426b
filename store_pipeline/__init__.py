"""Store analytics: the Dagster code location, its dbt project's assets and the CLI."""

import warnings

# Dagster warns, at every import and run, that beta and preview APIs this code location uses
# (single-run backfill policies, pools) may change; the pinned versions hold them still, so
# only those notices are dropped and the console keeps the pipeline's own progress.
warnings.filterwarnings("ignore", message=r".* is currently in (beta|preview), ")
