"""Reminders by email: each person's digest of what is theirs to do (`cascade tracker notify`)."""
