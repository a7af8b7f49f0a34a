"""MkDocs hooks for both editions. The logic lives in cascade.site.hooks."""

from cascade.site.hooks import on_config, on_env, on_files, on_page_markdown  # noqa: F401
