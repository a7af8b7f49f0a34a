"""mkdocs-macros module. The macros live in trainer_tracker.publishing.macros."""

from trainer_tracker.publishing.macros import define_env  # noqa: F401
