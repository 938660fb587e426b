"""Freshness state of each asset with a policy, computed as Dagster's freshness daemon does.

Dagster 1.13 has no public API to read the daemon's state, so the rule is applied here to the
last materialisation: a cron policy fails when the asset was not materialised after
(latest deadline - lower bound); a time-window policy fails (or warns) when the last
materialisation is older than its window. Never materialised: unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import dagster as dg

# Not exported by dagster 1.13 (pinned): the policy classes and the daemon's own cron rule.
from dagster._core.definitions.freshness import CronFreshnessPolicy, TimeWindowFreshnessPolicy
from dagster._utils.schedules import get_latest_completed_cron_tick

PASS, WARN, FAIL, UNKNOWN = "PASS", "WARN", "FAIL", "UNKNOWN"


@dataclass(frozen=True)
class Freshness:
    """One asset's state; ``deadline`` is the cron deadline it is judged against, if any."""

    asset: str
    state: str
    last_materialized: datetime | None
    deadline: datetime | None

    @property
    def miss_id(self) -> str:
        """Identifies one miss: the asset and the deadline (or day) it missed."""
        when = self.deadline or self.last_materialized
        return f"{self.asset}@{when.isoformat() if when else 'never'}"


def evaluate(policy: dg.FreshnessPolicy, last: datetime | None,
             now: datetime) -> tuple[str, datetime | None]:
    """(state, deadline) of an asset last materialised at ``last`` under ``policy``."""
    if isinstance(policy, CronFreshnessPolicy):
        deadline = get_latest_completed_cron_tick(policy.deadline_cron, now, policy.timezone)
        if last is None:
            return UNKNOWN, deadline
        return (PASS if last >= deadline - policy.lower_bound_delta else FAIL), deadline
    if last is None or not isinstance(policy, TimeWindowFreshnessPolicy):
        return UNKNOWN, None
    age = now - last
    window = policy.fail_window.to_timedelta()
    warn = policy.warn_window.to_timedelta() if policy.warn_window else timedelta.max
    return (FAIL if age >= window else WARN if age >= warn else PASS), None
