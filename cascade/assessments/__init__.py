"""Instruments and fidelity checklists as data (assessments/), validated, and how answers are scored."""
