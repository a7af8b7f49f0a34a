"""A content file's body as MkDocs should see it in one edition.

For supporters, trainer-only blocks are removed; for trainers, they stay, with an anchor each
(the all-trainer-notes page links to them) and activity timings in the activity titles. Every
block header gets its title (a default for its type when the author gave none), and the block
options only the loader reads (minutes=N) are taken off.
"""

from __future__ import annotations

from . import blocks as blockmod

DEFAULT_TITLES = {
    "key-points": "Key points",
    "activity": "Activity",
    "scenario": "Scenario",
    "handout": "Handout",
    "content-warning": "Content warning",
    "signposting": "Where to get help",
    "trainer-notes": "Trainer notes",
    "under-review": "Being checked",
    "note": "Note",
}


def render_markdown(item, edition: str) -> str:
    """The body of `item` (a model.ContentFile: module, page or material) in one edition."""
    notes = {id(b): n for n, b in enumerate(item.trainer_notes, start=1)}

    def keep(block: blockmod.Block) -> bool:
        return edition == "trainer" or not block.trainer_only

    def header(block: blockmod.Block) -> str:
        return block_header(block, edition, notes.get(id(block)))

    return blockmod.strip_blocks_and_options(item.body, item.doc.body_start, item.scan, keep, header)


def block_header(block: blockmod.Block, edition: str, note_number: int | None = None) -> str:
    """The admonition line MkDocs sees for a block; a trainer note gets its anchor above it."""
    marker = "!!!"
    if block.collapsible:
        marker = "???+" if edition == "trainer" else "???"
    line = f'{marker} {block.type} "{_escape_title(block_title(block, edition))}"'
    if block.trainer_only:
        pad = " " * block.indent
        line = f'<a id="trainer-note-{note_number}"></a>\n\n{pad}{line}'
    return line


def block_title(block: blockmod.Block, edition: str) -> str:
    title = block.title or DEFAULT_TITLES.get(block.type, block.type.title())
    if block.type == "activity" and edition == "trainer" and block.minutes:
        title = f"{title} ({block.minutes} minutes)"
    if block.type == "under-review":
        title = "We are still checking this part" if edition == "supporter" else f"Marked for review: {title}"
    return title


def _escape_title(title: str) -> str:
    return title.replace('"', "'")
