"""Tracker commands of `cascade` (tracker, export, report), registered through the cascade.commands entry points."""
