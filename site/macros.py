"""mkdocs-macros module. The macros live in cascade.site.macros."""

from cascade.site.macros import define_env  # noqa: F401
