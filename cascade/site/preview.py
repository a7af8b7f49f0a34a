"""`cascade site serve`: a live preview for authors that rebuilds in under a second after an edit.

The first build is a full one. After that, when only the body text of existing pages changed (a
module, a page, a material; not their front matter), MkDocs rebuilds just those pages (its
"dirty" build) and what a dirty build gets wrong is mended from the last full build: the search
index (the rebuilt pages' entries replace their old ones; a dirty build alone would leave only
the rebuilt pages searchable) and the tags page (a dirty build lists only the rebuilt pages'
tags; tags live in front matter, so they cannot have changed). When a file is added or removed,
a page's front matter changes, or anything else changes (curriculum.yml, the glossary, data/,
translations/, assessments/, the theme, the configuration), the whole edition is built again.
The browser reloads itself after each build (MkDocs' live-reload server).
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import threading
import time
from pathlib import Path

from .build import EDITION_CONFIGS, _quiet_logging

log = logging.getLogger("cascade.preview")
WATCHED = ("curriculum", "translations", "assessments", "site")
PAGE_FOLDERS = ("curriculum/modules", "curriculum/pages", "curriculum/for-carers")
WHOLE_SITE_PAGES = ("tags/",)  # built from every page's front matter: kept from the last full build


def _front_matter(path: Path) -> str:
    text = path.read_text(encoding="utf-8", errors="replace")
    if not text.startswith("---"):
        return ""
    end = text.find("\n---", 3)
    return text[:end] if end >= 0 else text


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    files = {}
    for name in WATCHED:
        folder = root / name
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.is_file() and "__pycache__" not in path.parts:
                    stat = path.stat()
                    files[str(path.relative_to(root))] = (stat.st_size, stat.st_mtime_ns)
    for name in EDITION_CONFIGS.values():
        path = root / name
        if path.exists():
            stat = path.stat()
            files[name] = (stat.st_size, stat.st_mtime_ns)
    return files


class Preview:
    """Builds one edition into `site_dir`, fully or just the pages whose text changed."""

    def __init__(self, edition: str, root: Path, site_dir: Path, serve_url: str | None = None):
        self.edition, self.root, self.site_dir, self.serve_url = edition, root, Path(site_dir), serve_url
        self.seen: dict[str, tuple[int, int]] = {}
        self.fronts: dict[str, str] = {}  # front matter of the pages as last built
        self.index: dict | None = None  # the search index, as mended after each build
        self.whole_site: dict[str, bytes] = {}  # WHOLE_SITE_PAGES' HTML from the last full build
        self.lock = threading.Lock()
        self.last: dict = {}

    def _config(self):
        from mkdocs.config import load_config

        config = load_config(config_file=str(self.root / EDITION_CONFIGS[self.edition]), site_dir=str(self.site_dir))
        if self.serve_url:
            config.site_url = self.serve_url
        return config

    def changes(self) -> tuple[list[str], bool]:
        """(the files changed since the last build, whether only existing pages' text changed)."""
        now = _snapshot(self.root)
        changed = sorted(path for path in set(now) | set(self.seen) if now.get(path) != self.seen.get(path))
        pages_only = bool(self.seen) and bool(changed) and all(
            path in self.seen and path in now and path.endswith(".md") and path.startswith(PAGE_FOLDERS)
            and _front_matter(self.root / path) == self.fronts.get(path) for path in changed)
        return changed, pages_only

    def build(self, full: bool | None = None) -> dict:
        """Build once; `full` None decides from what changed. Returns what was done and how long it took."""
        from mkdocs.commands.build import build

        with self.lock:
            changed, pages_only = self.changes()
            dirty = pages_only and self.index is not None if full is None else not full
            started = time.perf_counter()
            config = self._config()
            config.plugins.on_startup(command="serve", dirty=dirty)
            try:
                build(config, serve_url=self.serve_url, dirty=dirty)
            finally:
                config.plugins.on_shutdown()
            self._mend_index(dirty)
            self._keep_whole_site_pages(dirty)
            self.seen = _snapshot(self.root)
            for path in (changed if dirty else self.seen):
                if path.endswith(".md") and path.startswith(PAGE_FOLDERS) and (self.root / path).exists():
                    self.fronts[path] = _front_matter(self.root / path)
            self.last = {"dirty": dirty, "changed": changed, "seconds": time.perf_counter() - started}
        log.info("%s build in %.2f s%s", "page" if dirty else "full", self.last["seconds"],
                 f" ({', '.join(changed[:3])}{'...' if len(changed) > 3 else ''})" if changed else "")
        return self.last

    def _mend_index(self, dirty: bool) -> None:
        path = self.site_dir / "search" / "search_index.json"
        if not path.exists():
            return
        current = json.loads(path.read_text(encoding="utf-8"))
        if not dirty or self.index is None:
            self.index = current
            return
        def page(doc) -> str:
            return doc["location"].split("#", 1)[0]

        fresh = [doc for doc in current.get("docs", []) if page(doc) not in WHOLE_SITE_PAGES]
        rebuilt = {page(doc) for doc in fresh}
        kept = [doc for doc in self.index.get("docs", []) if page(doc) not in rebuilt]
        self.index = {**self.index, "docs": kept + fresh}
        path.write_text(json.dumps(self.index), encoding="utf-8")

    def _keep_whole_site_pages(self, dirty: bool) -> None:
        for location in WHOLE_SITE_PAGES:
            path = self.site_dir / location / "index.html"
            if not dirty:
                if path.exists():
                    self.whole_site[location] = path.read_bytes()
            elif location in self.whole_site:
                path.write_bytes(self.whole_site[location])


def serve(edition: str, root: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve one edition on http://host:port/ and rebuild it as files change."""
    from mkdocs.livereload import LiveReloadServer, _serve_url

    _quiet_logging(False)
    logging.getLogger("cascade.preview").setLevel(logging.INFO)
    if not logging.getLogger("cascade.preview").handlers:
        logging.getLogger("cascade.preview").addHandler(logging.StreamHandler())
    # MkDocs warns on every dirty build that links may be stale; the preview mends what matters.
    logging.getLogger("mkdocs.commands.build").setLevel(logging.ERROR)
    site_dir = Path(tempfile.mkdtemp(prefix="cascade-preview-"))
    preview = Preview(edition, root, site_dir, serve_url=_serve_url(host, port, "/"))
    server = LiveReloadServer(builder=lambda: preview.build(), host=host, port=port, root=str(site_dir),
                              mount_path="/")
    try:
        preview.build(full=True)
        for name in WATCHED:
            if (root / name).is_dir():
                server.watch(str(root / name))
        server.watch(str(root / EDITION_CONFIGS[edition]))
        log.info("previewing the %s edition on http://%s:%s/ (Ctrl+C stops)", edition, host, port)
        try:
            server.serve()
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)
