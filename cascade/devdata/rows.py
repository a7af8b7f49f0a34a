"""Rows of the synthetic programme as they go to the database, and how totals are shared out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass
class Table:
    """Rows for one tracker table (by its table name), column values in `columns` order."""

    name: str
    columns: list[str]
    rows: Iterable[tuple]


def apportion(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Split `total` into integers proportional to `weights` (largest remainders), each >= minimum."""
    n = len(weights)
    if total < minimum * n:
        minimum = 0
    rest = total - minimum * n
    s = sum(weights) or 1.0
    raw = [rest * w / s for w in weights]
    out = [minimum + int(r) for r in raw]
    left = total - sum(out)
    order = sorted(range(n), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    for i in order[:left]:
        out[i] += 1
    return out
