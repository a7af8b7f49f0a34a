"""Fidelity in the tracker: checklist records per delivery and contact, the dashboard and its figures."""
