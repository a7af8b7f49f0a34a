"""Exports beyond the cascade's own, by name (used by `cascade export NAME`)."""

from .fidelity import fidelity

EXTRA_EXPORTS = {"fidelity": fidelity}
