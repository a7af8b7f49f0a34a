"""The content side: curriculum and assessments as data, authoring tools, the site build,
pure statistics, demo data and the `cascade` command. Imports nothing from the tracker."""

__version__ = "0.2.0"
