"""Dry-run reports: text, JSON lines and HTML."""
