"""Notification outbox, channels, templates and the in-system inbox."""
