"""Research pages: due lists, assessment entry, adverse events with reporting clocks, costs.

The views live in one module per kind of record; importing them here registers their routes."""

from . import adverse_views, cost_views, due_views, link_views, response_views  # noqa: F401 - registers the routes
from .blueprint import ENTRY_ROLES, bp, overdue_reports, registry

__all__ = ["ENTRY_ROLES", "bp", "overdue_reports", "registry"]
