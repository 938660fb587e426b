"""Notifications: stakeholder e-mails after the reports, alerts and a health report for IT."""
