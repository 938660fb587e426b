"""Notification settings: the subscriptions file and where readers find the reports."""

from __future__ import annotations

import os

import dagster as dg

from store_pipeline.lib.notify.subscriptions import Subscriber, load_subscriptions

SUBSCRIPTIONS_ENV = "STORE_PIPELINE_SUBSCRIPTIONS"
REPORTS_URL_ENV = "STORE_PIPELINE_REPORTS_URL"


class Notifications(dg.ConfigurableResource):
    """``subscriptions_file``: who gets which e-mail (none: no e-mails). ``reports_url``: the
    web address of the reports folder; when set, e-mails link to reports instead of attaching
    them."""

    subscriptions_file: str = ""
    reports_url: str = ""

    @classmethod
    def from_env(cls) -> Notifications:
        """From ``STORE_PIPELINE_SUBSCRIPTIONS`` and ``STORE_PIPELINE_REPORTS_URL``."""
        return cls(subscriptions_file=os.environ.get(SUBSCRIPTIONS_ENV, ""),
                   reports_url=os.environ.get(REPORTS_URL_ENV, ""))

    def subscribers(self) -> list[Subscriber]:
        """Everyone in the subscriptions file, validated; nobody when no file is set."""
        return load_subscriptions(self.subscriptions_file) if self.subscriptions_file else []
