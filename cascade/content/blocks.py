"""Scan a module body: named blocks (admonitions), headings, links and images, with lines.

Blocks use the admonition syntax that Material for MkDocs renders, plus `key=value` options
on the header line that only our loader reads (they never reach MkDocs):

    !!! activity "Listening in pairs" minutes=15
        Work in pairs. ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown.extensions.toc import slugify, unique

# Block types a module may use, with what each is for.
BLOCK_TYPES: dict[str, str] = {
    "key-points": "the main points to remember",
    "activity": "a learning activity (needs minutes=N)",
    "scenario": "a realistic situation to discuss",
    "handout": "text to print and hand out",
    "content-warning": "warns about distressing content and says where to get help",
    "signposting": "where to get help or find out more",
    "trainer-notes": "notes for the trainer only (trainer edition)",
    "under-review": "content marked for expert review before approval",
    "note": "a side note",
}
TRAINER_ONLY_BLOCKS = frozenset({"trainer-notes"})
BLOCK_OPTIONS: dict[str, dict[str, type]] = {"activity": {"minutes": int}}

HEADER_RE = re.compile(
    r"^(?P<indent> *)(?P<marker>!!!|\?\?\?\+?)[ \t]*(?P<type>[A-Za-z][\w-]*)?"
    r"(?:[ \t]+\"(?P<title>[^\"]*)\")?(?P<opts>(?:[ \t]+[a-z_]+=\S+)*)[ \t]*$"
)
LOOSE_HEADER_RE = re.compile(r"^ *(!!!|\?\?\?)")
HEADING_RE = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<text>.*?)(?:[ \t]+#+)?[ \t]*$")
ATTR_ID_RE = re.compile(r"\s*\{[^}]*#(?P<id>[\w-]+)[^}]*\}\s*$")
FENCE_RE = re.compile(r"^ *(```+|~~~+)")
LINK_RE = re.compile(r"(?P<bang>!?)\[(?P<text>[^\]]*)\]\((?P<target><[^>]*>|[^)\s]*)(?:\s+\"[^\"]*\")?\)")
HTML_IMG_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
HTML_ID_RE = re.compile(r"\bid=\"([^\"]+)\"")


@dataclass
class Block:
    type: str
    title: str | None
    options: dict
    line: int  # file line of the header
    end_line: int  # file line of the last content line
    indent: int
    collapsible: bool
    content: list[str] = field(default_factory=list)  # dedented content lines
    children: list[Block] = field(default_factory=list)

    @property
    def trainer_only(self) -> bool:
        return self.type in TRAINER_ONLY_BLOCKS

    @property
    def text(self) -> str:
        return "\n".join(self.content).strip("\n")

    @property
    def minutes(self) -> int | None:
        value = self.options.get("minutes")
        return value if isinstance(value, int) else None


@dataclass
class Heading:
    level: int
    text: str
    anchor: str
    line: int


@dataclass
class Link:
    text: str
    target: str
    line: int
    is_image: bool


@dataclass
class BodyScan:
    blocks: list[Block] = field(default_factory=list)  # top-level blocks
    headings: list[Heading] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    html_images: list[tuple[str, int]] = field(default_factory=list)
    html_ids: set[str] = field(default_factory=set)
    bad_headers: list[tuple[str, int]] = field(default_factory=list)

    def all_blocks(self):
        stack = list(reversed(self.blocks))
        while stack:
            block = stack.pop()
            yield block
            stack.extend(reversed(block.children))


def _parse_options(raw: str) -> dict:
    options = {}
    for pair in raw.split():
        key, _, value = pair.partition("=")
        options[key] = int(value) if value.isdigit() else value
    return options


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def scan(body: str, first_line: int = 1) -> BodyScan:
    """Scan a Markdown body. `first_line` is the file line the body starts on."""
    result = BodyScan()
    lines = body.splitlines()
    in_fence = None
    # Stack of open blocks; each block's content is indented 4 spaces deeper than its header.
    stack: list[Block] = []
    seen_anchors: set[str] = set()
    for index, line in enumerate(lines):
        lineno = first_line + index
        stripped = line.strip()
        indent = _indent_of(line)
        # Close blocks this line is not indented into (blank lines keep blocks open).
        if stripped:
            while stack and indent < stack[-1].indent + 4:
                stack.pop()
        fence = FENCE_RE.match(line)
        if in_fence:
            if fence and fence.group(1)[0] == in_fence[0] and len(fence.group(1)) >= len(in_fence):
                in_fence = None
            for block in stack:
                block.end_line = lineno
            _append_content(stack, line)
            continue
        if fence:
            in_fence = fence.group(1)
            _append_content(stack, line)
            for block in stack:
                block.end_line = lineno
            continue
        header = HEADER_RE.match(line)
        if header and header.group("type"):
            options = _parse_options(header.group("opts") or "")
            block = Block(
                type=header.group("type"),
                title=header.group("title"),
                options=options,
                line=lineno,
                end_line=lineno,
                indent=len(header.group("indent")),
                collapsible=header.group("marker").startswith("???"),
            )
            _append_content(stack, line)
            for parent in stack:
                parent.end_line = lineno
            (stack[-1].children if stack else result.blocks).append(block)
            stack.append(block)
            continue
        if LOOSE_HEADER_RE.match(line):
            result.bad_headers.append((line.strip(), lineno))
        _append_content(stack, line)
        if stripped:
            for block in stack:
                block.end_line = lineno
        heading = HEADING_RE.match(line.strip()) if indent < 4 or stack else None
        if heading and (not stack or indent == stack[-1].indent + 4):
            text = heading.group("text")
            explicit = ATTR_ID_RE.search(text)
            if explicit:
                anchor = explicit.group("id")
                text = text[: explicit.start()]
            else:
                anchor = unique(slugify(_plain(text), "-"), seen_anchors)
            seen_anchors.add(anchor)
            result.headings.append(Heading(len(heading.group("hashes")), text.strip(), anchor, lineno))
        for match in LINK_RE.finditer(line):
            target = match.group("target").strip("<>")
            result.links.append(Link(match.group("text"), target, lineno, bool(match.group("bang"))))
        for match in HTML_IMG_RE.finditer(line):
            result.html_images.append((match.group(0), lineno))
        for match in HTML_ID_RE.finditer(line):
            result.html_ids.add(match.group(1))
    return result


def _append_content(stack: list[Block], line: str) -> None:
    if stack:
        block = stack[-1]
        cut = block.indent + 4
        block.content.append(line[cut:] if line[:cut].strip() == "" else line.lstrip())


def _plain(text: str) -> str:
    """Heading text as the table of contents sees it: no inline markup."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[*_`]", "", text)


def strip_blocks_and_options(body: str, first_line: int, parsed: BodyScan, keep, render_header) -> str:
    """Rewrite a scanned body: drop blocks for which keep(block) is False, rewrite kept headers.

    `render_header(block)` returns the header line MkDocs should see (without options).
    """
    lines = body.splitlines()
    drop: set[int] = set()
    replace: dict[int, str] = {}
    for block in parsed.all_blocks():
        if block.line - first_line in drop:
            continue
        if not keep(block):
            drop.update(range(block.line - first_line, block.end_line - first_line + 1))
        else:
            replace[block.line - first_line] = " " * block.indent + render_header(block)
    out = []
    for index, line in enumerate(lines):
        if index in drop:
            continue
        out.append(replace.get(index, line))
    return "\n".join(out) + "\n"
