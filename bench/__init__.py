"""Benchmarks: page latency, queries per page, lineage, export, concurrent writes, site build.

Run from the repository root:  .venv/bin/python -m bench [--quick]   (see docs/benchmarks.md)
"""
