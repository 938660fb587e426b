"""An optional chat webhook for IT alerts (``STORE_PIPELINE_ALERT_WEBHOOK``): Slack incoming
webhooks and Teams' incoming-webhook connector both take ``{"text": ...}``."""

from __future__ import annotations

import json
import os
import urllib.request
from urllib.parse import urlsplit

import dagster as dg
from pydantic import Field

WEBHOOK_ENV = "STORE_PIPELINE_ALERT_WEBHOOK"


class WebhookError(RuntimeError):
    """The webhook did not accept the alert."""


class AlertWebhook(dg.ConfigurableResource):
    """Posts alerts to ``url``; no url, no posts. The url holds a token: give it as
    ``EnvVar("STORE_PIPELINE_ALERT_WEBHOOK")``; errors name only its host."""

    url: str = Field(default="", repr=False, description=f"EnvVar({WEBHOOK_ENV!r})")
    timeout: float = 15.0

    @classmethod
    def from_env(cls) -> AlertWebhook:
        return cls(url=dg.EnvVar(WEBHOOK_ENV)) if os.environ.get(WEBHOOK_ENV) else cls()

    @property
    def enabled(self) -> bool:
        return bool(self._url())

    def post(self, text: str) -> None:
        """POST ``{"text": text}`` as JSON."""
        url = self._url()
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise WebhookError(f"{WEBHOOK_ENV} must be an http(s) URL, not {parts.scheme!r}")
        request = urllib.request.Request(
            url, data=json.dumps({"text": text}).encode("utf-8"), method="POST",
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except OSError as error:  # HTTPError and URLError included; the URL is not shown
            raise WebhookError(f"alert webhook at {parts.hostname}: {error}") from None

    def _url(self) -> str:
        if isinstance(self.url, dg.EnvVar):
            return self.url.get_value() or ""
        return self.url
