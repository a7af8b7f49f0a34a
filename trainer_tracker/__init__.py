"""Carer peer support training platform: content model, trainer tracker and command line."""

__version__ = "0.1.0"
