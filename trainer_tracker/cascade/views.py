"""Cascade pages: people, courses, deliveries, attendance, checkout, certification, the tree.

The views live in one module per kind of record; importing them here registers their routes."""

from . import certification_views, course_views, people_views, tree_views  # noqa: F401 - registers the routes
from .blueprint import bp

__all__ = ["bp"]
