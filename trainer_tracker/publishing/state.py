"""The curriculum loaded for the current MkDocs build (loaded once, shared by hooks and macros)."""

from __future__ import annotations

from pathlib import Path

from ..content import Curriculum, load_curriculum

_loaded: dict[str, Curriculum] = {}


def load_for_build(docs_dir: str | Path, reload: bool = False) -> Curriculum:
    """Load curriculum/ for a build; `reload` at the start of each build (mkdocs serve)."""
    key = str(Path(docs_dir).resolve())
    if reload or key not in _loaded:
        _loaded[key] = load_curriculum(Path(docs_dir))
    return _loaded[key]


def edition_of(config) -> str:
    edition = (config.get("extra") or {}).get("edition", "supporter")
    if edition not in ("supporter", "trainer"):
        raise ValueError(f"extra.edition must be supporter or trainer, not {edition!r}")
    return edition
