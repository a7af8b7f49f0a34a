"""The curriculum as the tracker sees it: loaded once, reloaded when a module file changes."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import current_app

from cascade.content import Curriculum, load_curriculum

_lock = threading.Lock()
_cache: dict[str, tuple[tuple, Curriculum]] = {}


def _signature(folder: Path) -> tuple:
    return tuple(sorted((str(p), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()))


def get_curriculum() -> Curriculum:
    folder = Path(current_app.config["CONTENT_ROOT"]) / "curriculum"
    key = str(folder)
    signature = _signature(folder)
    with _lock:
        cached = _cache.get(key)
        if cached is None or cached[0] != signature:
            _cache[key] = (signature, load_curriculum(folder))
        return _cache[key][1]
