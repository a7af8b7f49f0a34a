"""YAML front matter with the line number of every field, so errors can name the line."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml


class FrontMatterError(ValueError):
    """The front matter could not be read. `line` is the 1-based line in the file."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


@dataclass
class Document:
    """A Markdown file split into its front matter and body."""

    meta: dict
    body: str
    body_start: int  # 1-based file line of the first body line
    lines: dict = field(default_factory=dict)  # field path tuple -> 1-based line
    has_front_matter: bool = True

    def line_of(self, *path, default: int = 1) -> int:
        """Line of a field such as ("fidelity", 2, "id"), falling back to its parent."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return default


def _walk(node, path: tuple, offset: int, out: dict) -> None:
    out[path] = node.start_mark.line + 1 + offset
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            out[path + (key,)] = key_node.start_mark.line + 1 + offset
            _walk(value_node, path + (key,), offset, out)
            out[path + (key,)] = key_node.start_mark.line + 1 + offset
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), offset, out)


# libyaml when PyYAML was built with it: the same safe constructor and resolver, about ten times
# faster than the pure-Python parser (front matter parsing was the largest part of loading the
# curriculum for a site build).
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose_and_construct(text: str, loader_class) -> tuple[object, object]:
    """Parse once: the node tree (for line numbers) and the data built from that same tree,
    exactly what yaml.compose and yaml.safe_load would each give."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return node, data


def parse_yaml_with_lines(text: str, first_line: int = 1) -> tuple[object, dict]:
    """Parse YAML safely; return the data and a map of field path -> file line.

    `first_line` is the file line on which `text` starts. Raises FrontMatterError with the
    file line of the YAML error.
    """
    offset = first_line - 1
    try:
        node, data = _compose_and_construct(text, _FAST_LOADER)
    except yaml.YAMLError:
        # libyaml refused it: read it again with the pure-Python loader, which gives the error
        # (and the wording) that authors have always been shown, or reads it if it can.
        try:
            node, data = _compose_and_construct(text, yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            line = (mark.line + 1 + offset) if mark is not None else first_line
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise FrontMatterError(f"the YAML cannot be read: {problem}", line) from exc
    lines: dict = {}
    if node is not None:
        _walk(node, (), offset, lines)
    return data, lines


def split(text: str) -> Document:
    """Split `---` fenced front matter from the body and parse it."""
    if text.startswith("\ufeff"):
        text = text[1:]
    all_lines = text.splitlines(keepends=True)
    if not all_lines or all_lines[0].rstrip() != "---":
        return Document({}, text, 1, {}, has_front_matter=False)
    for index in range(1, len(all_lines)):
        if all_lines[index].rstrip() in ("---", "..."):
            fm_text = "".join(all_lines[1:index])
            body = "".join(all_lines[index + 1 :])
            data, lines = parse_yaml_with_lines(fm_text, first_line=2)
            if data is None:
                data = {}
            if not isinstance(data, dict):
                raise FrontMatterError("the front matter must be a set of 'field: value' lines", 2)
            return Document(data, body, index + 2, lines)
    raise FrontMatterError("the front matter starts with '---' but has no closing '---' line", 1)
