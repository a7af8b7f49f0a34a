"""Support for carers: pseudonymous carers, matches within the caseload cap, contacts."""
