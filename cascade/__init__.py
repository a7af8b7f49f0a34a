"""The content side (content, authoring, site, statistics, demo data, the `cascade` command), tracker-free."""

__version__ = "0.2.0"
