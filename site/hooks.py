"""MkDocs hooks for both editions. The logic lives in trainer_tracker.publishing.hooks."""

from trainer_tracker.publishing.hooks import on_config, on_files, on_page_markdown  # noqa: F401
