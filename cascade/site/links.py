"""Relative links between the site's source pages, as MkDocs expects them in Markdown."""

from __future__ import annotations

import posixpath
from urllib.parse import urlsplit

from ..content.blocks import LINK_RE


def link(from_src: str, to_src: str, anchor: str = "") -> str:
    """Relative link from one source page to another, as MkDocs expects in Markdown."""
    rel = posixpath.relpath(to_src, posixpath.dirname(from_src) or ".")
    return rel + (f"#{anchor}" if anchor else "")


def rebase_links(markdown_text: str, from_src: str, to_src: str) -> str:
    """Rewrite relative links in text moved from one page to another so they still resolve."""
    def fix(match):
        target = match.group("target").strip("<>")
        if not target or urlsplit(target).scheme or target.startswith("//"):
            return match.group(0)
        path, _, anchor = target.partition("#")
        absolute = (posixpath.normpath(posixpath.join(posixpath.dirname(from_src), path))
                    if path else from_src)
        new = link(to_src, absolute, anchor)
        return match.group(0).replace(f"({match.group('target')}", f"({new}", 1)

    return LINK_RE.sub(fix, markdown_text)
