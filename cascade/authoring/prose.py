"""A module's text as a reader sees it: rendered with the site's Markdown extensions, then cut
into plain-text paragraphs (headings, paragraphs, list items, box titles, table rows).

Reviewers compare these paragraphs, not the raw Markdown, so `!!! key-points "Key points"`
reads as "Box: Key points" and `**you**` reads as "you".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import markdown

from ..site.build import mkdocs_config

# Used when mkdocs.yml cannot be read; keep in step with its markdown_extensions.
DEFAULT_EXTENSIONS: list = [
    "abbr", "admonition", "attr_list", "def_list", "md_in_html", "tables",
    "pymdownx.details", "pymdownx.superfences",
]
_MACRO_RE = re.compile(r"\{\{-?\s*(?P<name>[A-Za-z_]\w*)\s*\((?P<args>[^)]*)\)\s*-?\}\}")
_JINJA_RE = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = {"p", "li", "dt", "dd", "summary", "blockquote", "div", "td", "th", "tr", "pre",
           *_HEADINGS}


@lru_cache(maxsize=8)
def _extensions_from(config_path: str) -> tuple:
    from mkdocs.exceptions import ConfigurationError

    try:
        config = mkdocs_config(config_path)
    except (OSError, ConfigurationError):
        return ()
    listed = (config or {}).get("markdown_extensions") or []
    names, configs = [], {}
    for item in listed:
        if isinstance(item, str):
            name, options = item, None
        elif isinstance(item, dict) and len(item) == 1:
            name, options = next(iter(item.items()))
        else:
            continue
        if name == "toc":  # permalinks add a pilcrow to every heading
            continue
        names.append(name)
        if isinstance(options, dict):
            configs[name] = options
    return tuple(names), tuple((k, tuple(v.items())) for k, v in configs.items())


def site_extensions(root: Path | None) -> tuple[list[str], dict]:
    """The Markdown extensions the site uses (from mkdocs.yml under `root`)."""
    found = _extensions_from(str(Path(root) / "mkdocs.yml")) if root else ()
    if not found:
        return list(DEFAULT_EXTENSIONS), {}
    names, configs = found
    return list(names), {k: dict(v) for k, v in configs}


class _Paragraphs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []  # (tag, class)
        self.text: list[str] = []
        self.row: list[str] = []
        self.out: list[str] = []

    def _kind(self) -> str:
        tags = [t for t, _ in self.stack]
        tag, cls = self.stack[-1] if self.stack else ("p", "")
        if tag in _HEADINGS:
            return "Heading: "
        if "admonition-title" in cls.split() or tag == "summary":
            return "Box: "
        if tag in ("td", "th"):
            return "cell"
        if "li" in tags:
            return "• "
        return ""

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.text)).strip()
        self.text = []
        if not text:
            return
        kind = self._kind()
        if kind == "cell":
            self.row.append(text)
        else:
            self.out.append(kind + text)

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self._flush()
            self.stack.append((tag, dict(attrs).get("class") or ""))
        elif tag == "br":
            self.text.append(" ")

    def handle_endtag(self, tag):
        if tag not in _BLOCKS:
            return
        self._flush()
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break
        if tag == "tr" and self.row:
            self.out.append("Row: " + " | ".join(self.row))
            self.row = []

    def handle_data(self, data):
        self.text.append(data)


def expand_macros(text: str, resolve: Callable[[str, str], str | None] | None = None) -> str:
    """Replace `{{ name(...) }}` with what `resolve(name, args)` returns, or a short note."""

    def replace(match: re.Match) -> str:
        value = resolve(match.group("name"), match.group("args")) if resolve else None
        return value if value is not None else f"(the site adds {match.group('name')} here)"

    return _JINJA_RE.sub("", _MACRO_RE.sub(replace, text))


def to_html(markdown_text: str, root: Path | None = None) -> str:
    names, configs = site_extensions(root)
    return markdown.markdown(markdown_text, extensions=names, extension_configs=configs)


def paragraphs(markdown_text: str, root: Path | None = None,
               resolve: Callable[[str, str], str | None] | None = None) -> list[str]:
    """The rendered text as a list of plain-text paragraphs, in reading order."""
    parser = _Paragraphs()
    parser.feed(to_html(expand_macros(markdown_text, resolve), root))
    parser.close()
    parser._flush()
    return parser.out


def plain_text(markdown_text: str, root: Path | None = None,
               resolve: Callable[[str, str], str | None] | None = None) -> str:
    return "\n\n".join(paragraphs(markdown_text, root, resolve))
