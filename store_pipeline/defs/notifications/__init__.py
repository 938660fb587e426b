"""Notifications: the stakeholders' e-mails after the reports, and the store alerts."""

from store_pipeline.defs.notifications.assets import (
    daily_emails,
    monthly_emails,
    store_alerts,
    weekly_emails,
)

ASSETS = [daily_emails, weekly_emails, monthly_emails, store_alerts]
JOBS = []
SCHEDULES = []
SENSORS = []
