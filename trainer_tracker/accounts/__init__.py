"""Accounts: users, roles, passwords and login throttling."""
