"""The audit trail: one entry for every change, written in the change's own transaction."""
