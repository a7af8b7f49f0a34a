"""Fidelity statistics: scores, bands, aggregation, cascade drift and rater agreement (docs/fidelity.md)."""
