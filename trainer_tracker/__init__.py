"""The trainer tracker: a Flask app recording the cascade, support, fidelity and research."""

from cascade import __version__  # noqa: F401  one version for the distribution
