"""Fictional data for the demo and a synthetic national programme for benchmarks."""
